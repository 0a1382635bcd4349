"""ariadne-codegen plugins used to generate nextschool.generated_client."""
