#!/bin/bash
API_URL="${API_URL:?set API_URL to the server URL}"
# Assume these are set from a previous login
# ACCESS_TOKEN="eyJhbGciOiJIUzI1NiIs..."
# REFRESH_TOKEN="a1b2c3d4-e5f6-7890-abcd-ef1234567890"
QUERY='{ students(limit: 5) { id fullName classroomName } }'
# Step 1: Make a request with the (possibly expired) access token
RESPONSE=$(curl -s -X POST "$API_URL" \
-H "Content-Type: application/json" \
-H "Authorization: Bearer $ACCESS_TOKEN" \
-d "{\"query\": \"$QUERY\"}")
# Step 2: Check if we got UNAUTHENTICATED
CODE=$(echo "$RESPONSE" | jq -r '.errors[0].extensions.code // empty')
if [ "$CODE" = "UNAUTHENTICATED" ]; then
echo "Token expired, refreshing..."
# Step 3: Refresh the access token
REFRESH_RESPONSE=$(curl -s -X POST "$API_URL" \
-H "Content-Type: application/json" \
-d "{
\"query\": \"mutation { refreshToken(refreshToken: \\\"$REFRESH_TOKEN\\\") { accessToken expiresIn } }\"
}")
ACCESS_TOKEN=$(echo "$REFRESH_RESPONSE" | jq -r '.data.refreshToken.accessToken')
if [ "$ACCESS_TOKEN" = "null" ] || [ -z "$ACCESS_TOKEN" ]; then
echo "Refresh token also expired. Please login again."
exit 1
fi
echo "Token refreshed successfully."
# Step 4: Retry the original request with the new token
RESPONSE=$(curl -s -X POST "$API_URL" \
-H "Content-Type: application/json" \
-H "Authorization: Bearer $ACCESS_TOKEN" \
-d "{\"query\": \"$QUERY\"}")
fi
echo "$RESPONSE" | jq '.data'
