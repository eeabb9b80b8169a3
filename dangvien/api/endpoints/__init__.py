"""The API's resources, one router each: thin over the selectors and services."""
