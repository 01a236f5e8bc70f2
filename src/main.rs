//! The `bpdeploy` binary: parse, run, exit. Everything else lives in the library.
use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(bpdeploy::main_with_args(std::env::args_os()))
}
