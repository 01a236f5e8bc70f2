//! Tests of the preflight area.
