//! Tests of the deploy area.
