use clap::Parser;
use deskside::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    // `deskside ... | head` must end quietly like any Unix filter, not panic
    // in println! when the reader goes away.
    // SAFETY: called first, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // args_os: a non-UTF-8 argument must reach clap's error, not panic here.
    let json = std::env::args_os().any(|a| a == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => return fail(&cli::one_line_clap_error(&e), 2, json),
    };
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e.to_string(), e.exit_code(), json),
    }
}

fn fail(msg: &str, code: i32, json: bool) -> ExitCode {
    if json {
        let msg = msg.replace('\n', " ");
        eprintln!("{}", serde_json::json!({ "error": msg, "exit_code": code }));
    } else {
        // Messages quote the input that was refused: never raw escapes.
        eprintln!("deskside: {}", cli::output::safe(msg, false));
    }
    ExitCode::from(code as u8)
}
