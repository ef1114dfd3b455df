use clap::Parser;
use deskside::cli::{self, Cli};
use deskside::face::Face;
use std::process::ExitCode;

fn main() -> ExitCode {
    quiet_on_closed_stdout();
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
    // The CLI says which face to start; only main knows them all.
    let ran = cli::run(cli).and_then(|face| match face {
        Face::Done => Ok(()),
        Face::Console(desk) => deskside::tui::run(*desk),
        Face::Portal(opener, opts) => deskside::portal::serve(&opener, &opts),
    });
    match ran {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e.to_string(), e.exit_code(), json),
    }
}

/// `deskside ... | head` must end quietly like any Unix filter when the
/// reader goes away. SIGPIPE stays ignored (Rust's default): restoring its
/// default action would also kill deskside, mid-operation and silently,
/// whenever a child such as sendmail exits before reading its input. So a
/// closed stdout ends the process here instead, with the shell's 141.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied());
        if msg.is_some_and(|m| m.starts_with("failed printing to stdout") && m.contains("Broken pipe")) {
            std::process::exit(141);
        }
        default(info)
    }));
}

fn fail(msg: &str, code: i32, json: bool) -> ExitCode {
    if json {
        let msg = msg.replace('\n', " ");
        eprintln!(
            "{}",
            deskside::present::format::escape_c1(
                &serde_json::json!({ "error": msg, "exit_code": code }).to_string()
            )
        );
    } else {
        // Messages quote the input that was refused: never raw escapes.
        eprintln!("deskside: {}", deskside::present::format::safe(msg, false));
    }
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
