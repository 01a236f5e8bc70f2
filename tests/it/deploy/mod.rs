//! Tests of `deploy` and `watch` through the real binary: each step against wiremock, whole
//! scenarios against the sandbox.
mod fakes;
mod recovery;
mod steps;
