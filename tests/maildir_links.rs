//! `mail ingest --maildir` follows no symbolic link (issue 15, defect 4):
//! a linked message file is skipped and left where it is, a linked folder
//! refuses the maildir, a FIFO never hangs the run — and a file outside the
//! maildir is never moved, stored or shown by `mail rejects --raw`.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;

const SECRET: &str = "SECRET-SHADOW-5521\nroot:$6$saltsalt$hash:19000:0:99999:7:::\n";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail").join(format!("{name}.eml"))
}

fn maildir(at: &Path) -> PathBuf {
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(at.join(sub)).unwrap();
    }
    at.to_path_buf()
}

/// A file outside the maildir, as an attacker would point at it.
fn secret(env: &Env) -> PathBuf {
    let dir = env.dir.path().join("private");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("shadow");
    std::fs::write(&file, SECRET).unwrap();
    file
}

/// Runs `mail ingest --maildir DIR` with a deadline (a FIFO must not hang it).
fn ingest(env: &Env, md: &Path) -> (i32, String, String) {
    let out = env
        .cmd()
        .args(["mail", "ingest", "--maildir", md.to_str().unwrap()])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    (
        out.status.code().expect("ingest finished in time"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        err,
    )
}

/// Nothing of the secret in the database, the rejects, or anywhere raw.
fn not_stored(env: &Env, secret: &Path) {
    assert!(!env.dump().contains("SECRET-SHADOW-5521"), "the secret was stored");
    let rejects = env.json(&["mail", "rejects"]);
    for r in rejects.as_array().unwrap() {
        let id = r["id"].as_i64().unwrap().to_string();
        let out = env.cmd().args(["mail", "rejects", "--raw", &id]).output().unwrap();
        assert!(!String::from_utf8_lossy(&out.stdout).contains("SECRET-SHADOW-5521"));
    }
    assert_eq!(std::fs::read_to_string(secret).unwrap(), SECRET, "the target file is untouched");
}

fn is_link(p: &Path) -> bool {
    std::fs::symlink_metadata(p).map(|m| m.file_type().is_symlink()).unwrap_or(false)
}

#[test]
fn linked_and_special_message_files_are_skipped_and_left_alone() {
    let env = Env::new().with_people();
    let secret = secret(&env);
    let md = maildir(&env.dir.path().join("Maildir"));
    symlink(&secret, md.join("new/1764000000.M1P1.host")).unwrap();
    std::fs::copy(fixture("multipart-alternative"), md.join("new/1764000001.M1P1.host")).unwrap();
    let fifo = md.join("new/1764000002.M1P1.host");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    // A link to a real message is refused too: the maildir is read as it is.
    let elsewhere = env.dir.path().join("elsewhere.eml");
    std::fs::copy(fixture("latin1"), &elsewhere).unwrap();
    symlink(&elsewhere, md.join("new/1764000003.M1P1.host")).unwrap();

    let (code, out, err) = ingest(&env, &md);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("created #1"), "{out}");
    let skipped: Vec<&str> = err.lines().collect();
    assert_eq!(skipped.len(), 3, "one line per skipped entry: {err}");
    assert!(skipped[0].contains("1764000000.M1P1.host") && skipped[0].contains("symbolic link"), "{err}");
    assert!(skipped[1].contains("1764000002.M1P1.host") && skipped[1].contains("FIFO"), "{err}");
    assert!(skipped[2].contains("1764000003.M1P1.host") && skipped[2].contains("symbolic link"), "{err}");

    // The links and the FIFO stay where they were; only the message moved.
    assert!(is_link(&md.join("new/1764000000.M1P1.host")));
    assert!(is_link(&md.join("new/1764000003.M1P1.host")));
    assert!(std::fs::symlink_metadata(&fifo).is_ok());
    assert!(md.join("cur/1764000001.M1P1.host:2,S").is_file());
    assert!(!md.join(".failed").exists(), "nothing set aside");
    assert_eq!(env.json(&["ticket", "list"]).as_array().unwrap().len(), 1);
    assert_eq!(std::fs::read(&elsewhere).unwrap(), std::fs::read(fixture("latin1")).unwrap());
    not_stored(&env, &secret);
}

#[test]
fn a_linked_folder_refuses_the_maildir() {
    let env = Env::new().with_people();
    let secret = secret(&env);
    for sub in ["new", "cur", "tmp", ".failed"] {
        let md = maildir(&env.dir.path().join(format!("Maildir-{sub}")));
        // The trap: a folder outside holding the secret as a "message".
        let outside = maildir(&env.dir.path().join(format!("outside-{sub}")));
        std::fs::copy(&secret, outside.join("new/1764000000.M1P1.host")).unwrap();
        let _ = std::fs::remove_dir(md.join(sub));
        symlink(&outside, md.join(sub)).unwrap();
        if sub != "new" {
            // An unreadable message that would go to .failed, and a good one for cur/.
            std::fs::copy(fixture("missing-from"), md.join("new/1764000001.M1P1.host")).unwrap();
            std::fs::copy(fixture("latin1"), md.join("new/1764000002.M1P1.host")).unwrap();
        }
        let before = env.dump();
        let (code, err) = env.fail(&["mail", "ingest", "--maildir", md.to_str().unwrap()]);
        assert_eq!(code, 2, "{sub}: {err}");
        assert!(err.contains("symbolic link") && err.contains(sub), "{err}");
        assert_eq!(env.dump(), before, "nothing ingested through a linked {sub}/");
        assert!(outside.join("new/1764000000.M1P1.host").is_file(), "the outside file is not moved");
        assert_eq!(std::fs::read_dir(outside.join("cur")).unwrap().count(), 0);
        if sub != "new" {
            assert!(
                md.join("new/1764000001.M1P1.host").is_file()
                    && md.join("new/1764000002.M1P1.host").is_file()
            );
        }
    }
    not_stored(&env, &secret);
}
