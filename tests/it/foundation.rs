//! Tests of the foundation: CLI surface, config, credentials, output, exit codes.
