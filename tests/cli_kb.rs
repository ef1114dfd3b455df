//! `kb ...` through the real binary: writing (flags, stdin, files, the
//! editor), reading, listing, searching, publishing, archiving and rating,
//! the publish rule, and the index following every change.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::{dump, Env};
use serde_json::Value;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

const BODY: &str =
    "## Fix\n\n1. Open **Cover 1**.\n2. Pull the paper out *slowly*.\n\n- Use `Tray 2` for card.\n";

fn add(env: &Env, login: &str, title: &str, extra: &[&str]) -> Value {
    let mut args = vec!["kb", "add", "--title", title, "--body", BODY];
    args.extend_from_slice(extra);
    env.json_as(login, &args)
}

fn id(v: &Value) -> String {
    v["id"].as_i64().unwrap().to_string()
}

fn titles(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_string()).collect()
}

/// An executable shell script in the test directory.
fn script(env: &Env, name: &str, body: &str) -> PathBuf {
    let path = env.dir.path().join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "#!/bin/sh\n{body}").unwrap();
    drop(f);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn an_article_has_every_documented_field_and_show_counts_views() {
    let env = Env::new().with_people();
    let a = add(
        &env,
        "lead",
        "Clearing a paper jam",
        &["--category", "Printing", "--tag", "Copier, paper jam", "--tag", "kyocera"],
    );
    for field in [
        "id",
        "title",
        "category",
        "tags",
        "status",
        "audience",
        "author",
        "views",
        "uses",
        "helpful",
        "not_helpful",
        "created_at",
        "updated_at",
        "source_ticket",
        "body",
    ] {
        assert!(a.get(field).is_some(), "missing {field}: {a}");
    }
    assert_eq!(a["status"], "draft");
    assert_eq!(a["audience"], "public");
    assert_eq!(a["category"], "printing");
    assert_eq!(a["tags"], serde_json::json!(["copier", "paper jam", "kyocera"]));
    assert_eq!(a["author"], "lead");
    assert_eq!(a["created_at"], "2026-11-24T10:00:00Z");
    assert!(a["source_ticket"].is_null());
    assert_eq!(a["body"], BODY);

    let shown = env.json(&["kb", "show", &id(&a)]);
    assert_eq!((shown["views"].as_i64(), shown["body"].as_str()), (Some(1), Some(BODY)));
    assert_eq!(env.json(&["kb", "show", &id(&a)])["views"], 2);

    let list = env.json(&["kb", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0].get("body").is_none(), "lists leave the body out");

    // Rendered for a terminal: no Markdown markers, structure kept.
    let out = env.run(&["kb", "show", &id(&a)]).success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("Fix\n---\n"), "{text}");
    assert!(text.contains("  1. Open Cover 1.\n"), "{text}");
    assert!(text.contains("  • Use Tray 2 for card."), "{text}");
    assert!(!text.contains("**") && !text.contains('`'), "{text}");
    let raw = env.run(&["kb", "show", &id(&a), "--raw"]).success().get_output().stdout.clone();
    assert_eq!(String::from_utf8(raw).unwrap(), BODY);

    let (code, err) = env.fail(&["kb", "show", "999"]);
    assert_eq!((code, err.contains("article #999 not found")), (3, true), "{err}");
}

#[test]
fn stored_escape_sequences_never_reach_the_terminal() {
    let env = Env::new();
    let a = env.json(&["kb", "add", "--title", "Evil\x1b[2J title", "--body", "Body \x1b]0;pwned\x07 text"]);
    let out = env.run(&["kb", "show", &id(&a)]).success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    assert!(text.contains("^[[2J"), "{text:?}");
}

#[test]
fn anyone_drafts_but_only_tier_2_3_and_leads_publish() {
    let env = Env::new().with_people();
    let draft = add(&env, "tone", "Tier one draft", &[]);
    assert_eq!(draft["status"], "draft");

    let before = dump(&env.db);
    let (code, err) = env.fail_as("tone", &["kb", "add", "--title", "X", "--body", "y", "--publish"]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("tone is tier 1") && err.contains("only tier 2/3"), "{err}");
    let (code, _) = env.fail_as("tone", &["kb", "publish", &id(&draft)]);
    assert_eq!(code, 5);
    assert_eq!(dump(&env.db), before, "a refused publish changes nothing");

    // Tier 1 may still improve a draft...
    let edited = env.json_as("tone", &["kb", "edit", &id(&draft), "--title", "Better title"]);
    assert_eq!(edited["title"], "Better title");
    // ...tier 2 publishes it, then it is theirs to change.
    let published = env.json_as("ttwo", &["kb", "publish", &id(&draft)]);
    assert_eq!(published["status"], "published");
    assert!(published["published_at"].is_string());
    let before = dump(&env.db);
    let (code, _) = env.fail_as("tone", &["kb", "edit", &id(&draft), "--title", "Sneaky"]);
    assert_eq!(code, 5);
    let (code, _) = env.fail_as("tone", &["kb", "archive", &id(&draft)]);
    assert_eq!(code, 5);
    assert_eq!(dump(&env.db), before);
    let (code, err) = env.fail_as("ttwo", &["kb", "publish", &id(&draft)]);
    assert_eq!((code, err.contains("already published")), (2, true), "{err}");

    assert_eq!(env.json_as("ttwo", &["kb", "archive", &id(&draft)])["status"], "archived");
    let (code, _) = env.fail(&["kb", "archive", &id(&draft)]);
    assert_eq!(code, 2);
    // A lead may publish whatever their tier, and brings it back.
    assert_eq!(env.json(&["kb", "publish", &id(&draft)])["status"], "published");
    assert_eq!(add(&env, "ttwo", "Published at once", &["--publish"])["status"], "published");
}

#[test]
fn bodies_come_from_files_and_stdin() {
    let env = Env::new();
    let file = env.dir.path().join("body.md");
    std::fs::write(&file, "# From a file\n").unwrap();
    let a = env.json(&["kb", "add", "--title", "F", "--body-file", file.to_str().unwrap()]);
    assert_eq!(a["body"], "# From a file\n");
    let out = env
        .cmd()
        .args(["--json", "kb", "add", "--title", "S", "--body-file", "-", "--audience", "internal"])
        .write_stdin("From *stdin*\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let a: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((a["body"].as_str(), a["audience"].as_str()), (Some("From *stdin*\n"), Some("internal")));

    let before = dump(&env.db);
    let (code, err) = env.fail(&["kb", "add", "--title", "M", "--body-file", "/no/such/file.md"]);
    assert_eq!((code, err.contains("/no/such/file.md")), (2, true), "{err}");
    let (code, err) = env.fail(&["kb", "add", "--title", "M", "--body", "   "]);
    assert_eq!((code, err.contains("body must not be empty")), (2, true), "{err}");
    let (code, err) = env.fail(&["kb", "add", "--title", " ", "--body", "x"]);
    assert_eq!((code, err.contains("title")), (2, true), "{err}");
    let (code, err) = env.fail(&["kb", "add", "--title", "x", "--body", "x", "--audience", "everyone"]);
    assert_eq!((code, err.contains("audience")), (2, true), "{err}");
    // No body, no editor, no terminal: told how to give one.
    let (code, err) = env.fail(&["kb", "add", "--title", "M"]);
    assert_eq!((code, err.contains("set $EDITOR")), (2, true), "{err}");
    assert_eq!(dump(&env.db), before);
}

#[test]
fn the_editor_writes_bodies_as_git_commit_does() {
    let env = Env::new();
    let tmp = env.dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let editor_cmd = || {
        let mut c = env.cmd();
        c.env("TMPDIR", &tmp);
        c
    };
    let writes = script(&env, "editor.sh", "printf '## Steps\\n\\n1. Restart the PC.\\n' > \"$1\"");
    let out = editor_cmd()
        .env("EDITOR", &writes)
        .args(["--json", "kb", "add", "--title", "From the editor"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let a: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(a["body"], "## Steps\n\n1. Restart the PC.\n");

    // VISUAL wins over EDITOR; editing opens the current body.
    let seen = env.dir.path().join("seen.md");
    let appends = script(
        &env,
        "append.sh",
        &format!("cp \"$1\" '{}'; printf '2. Log in again.\\n' >> \"$1\"", seen.display()),
    );
    let edited = editor_cmd()
        .env("VISUAL", &appends)
        .env("EDITOR", "false")
        .args(["--json", "kb", "edit", &id(&a)])
        .output()
        .unwrap();
    assert!(edited.status.success(), "{}", String::from_utf8_lossy(&edited.stderr));
    let edited: Value = serde_json::from_slice(&edited.stdout).unwrap();
    assert_eq!(std::fs::read_to_string(&seen).unwrap(), "## Steps\n\n1. Restart the PC.\n");
    assert_eq!(edited["body"], "## Steps\n\n1. Restart the PC.\n2. Log in again.\n");
    assert_eq!(edited["version"], 2);

    // An editor that fails, or a body left empty, changes nothing.
    let before = dump(&env.db);
    let fails = script(&env, "fail.sh", "printf 'half written' > \"$1\"; exit 3");
    let empties = script(&env, "empty.sh", ": > \"$1\"");
    for (editor, code, words) in [(&fails, 1, "exited with status 3"), (&empties, 2, "body is empty")] {
        for args in [vec!["kb", "add", "--title", "Nope"], vec!["kb", "edit", &id(&a)]] {
            let out = editor_cmd().env("EDITOR", editor).args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
            assert!(err.contains(words) && err.contains("nothing was saved"), "{err}");
        }
    }
    assert_eq!(dump(&env.db), before);
    // Saving the body unchanged is not an edit.
    let keeps = script(&env, "keep.sh", "true");
    let out = editor_cmd().env("EDITOR", &keeps).args(["kb", "edit", &id(&a)]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("unchanged"));
    assert_eq!(dump(&env.db), before);
    // The editor worked on a file in TMPDIR, and none is left behind.
    assert!(std::fs::read_to_string(&seen).is_ok());
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
}

#[test]
fn edits_change_fields_and_refuse_stale_versions() {
    let env = Env::new().with_people();
    let a = add(&env, "lead", "Paper jam", &["--tag", "printer", "--category", "printing"]);
    let e =
        env.json(&["kb", "edit", &id(&a), "--category", "", "--tag", "copier,Jam", "--audience", "internal"]);
    assert_eq!((e["category"].is_null(), e["audience"].as_str()), (true, Some("internal")));
    assert_eq!(e["tags"], serde_json::json!(["copier", "jam"]));
    assert_eq!(e["version"], 2);
    assert_eq!(env.json(&["kb", "edit", &id(&a), "--tag", ""])["tags"], serde_json::json!([]));

    env.json_as("ttwo", &["kb", "edit", &id(&a), "--title", "Paper jam (copiers)"]);
    let before = dump(&env.db);
    let (code, err) = env.fail(&["kb", "edit", &id(&a), "--title", "Mine", "--if-version", "2"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("changed by ttwo"), "{err}");
    assert_eq!(dump(&env.db), before);
    let out = env.run(&["kb", "edit", &id(&a), "--title", "Paper jam (copiers)"]).success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("unchanged"));
    assert_eq!(dump(&env.db), before, "an edit that changes nothing writes nothing");
}

#[test]
fn votes_count_on_published_articles_only() {
    let env = Env::new().with_people();
    let a = add(&env, "lead", "Votes", &["--publish"]);
    env.json_as("tone", &["kb", "rate", &id(&a), "--helpful"]);
    env.json_as("ttwo", &["kb", "rate", &id(&a), "--helpful"]);
    let r = env.json(&["kb", "rate", &id(&a), "--not-helpful"]);
    assert_eq!((r["helpful"].as_i64(), r["not_helpful"].as_i64()), (Some(2), Some(1)));
    let draft = add(&env, "lead", "Draft", &[]);
    let (code, err) = env.fail(&["kb", "rate", &id(&draft), "--helpful"]);
    assert_eq!((code, err.contains("is a draft")), (2, true), "{err}");
    let (code, _) = env.fail(&["kb", "rate", &id(&a)]);
    assert_eq!(code, 2, "a vote is required");
    let (code, _) = env.fail(&["kb", "rate", &id(&a), "--helpful", "--not-helpful"]);
    assert_eq!(code, 2);
}

#[test]
fn lists_filter_by_status_category_tag_and_audience() {
    let env = Env::new();
    add(&env, "lead", "Alpha", &["--publish", "--category", "printing", "--tag", "copier"]);
    add(&env, "lead", "Beta", &["--category", "network", "--audience", "internal"]);
    let gamma = add(&env, "lead", "Gamma", &["--publish", "--tag", "copier room"]);
    env.json(&["kb", "archive", &id(&gamma)]);
    assert_eq!(titles(&env.json(&["kb", "list"])), ["Beta", "Alpha"]);
    assert_eq!(titles(&env.json(&["kb", "list", "--all"])).len(), 3);
    assert_eq!(titles(&env.json(&["kb", "list", "--status", "archived"])), ["Gamma"]);
    assert_eq!(titles(&env.json(&["kb", "list", "--category", "Printing"])), ["Alpha"]);
    assert_eq!(titles(&env.json(&["kb", "list", "--all", "--tag", "copier"])), ["Alpha"], "whole tags only");
    assert_eq!(titles(&env.json(&["kb", "list", "--audience", "internal"])), ["Beta"]);
    let (code, _) = env.fail(&["kb", "list", "--status", "gone"]);
    assert_eq!(code, 2);
}

#[test]
fn the_index_follows_every_change() {
    let env = Env::new();
    let a =
        env.json(&["kb", "add", "--title", "Zebracorn adapter", "--body", "The quokkaphone needs a reset."]);
    let search = |args: &[&str]| {
        let mut full = vec!["kb", "search"];
        full.extend_from_slice(args);
        titles(&env.json(&full))
    };
    assert!(search(&["zebracorn"]).is_empty(), "drafts are not searched by default");
    assert_eq!(search(&["--status", "draft", "quokkaphone"]), ["Zebracorn adapter"]);
    env.json(&["kb", "publish", &id(&a)]);
    assert_eq!(search(&["zebracorn"]), ["Zebracorn adapter"]);
    assert_eq!(search(&["quokkaphone"]), ["Zebracorn adapter"]);
    env.json(&["kb", "edit", &id(&a), "--body", "The platypod needs a reset."]);
    assert!(search(&["quokkaphone"]).is_empty(), "the old word left the index");
    assert_eq!(search(&["platypod"]), ["Zebracorn adapter"]);
    // Counters do not disturb the index.
    env.json(&["kb", "show", &id(&a)]);
    env.json(&["kb", "rate", &id(&a), "--helpful"]);
    assert_eq!(search(&["platypod"]), ["Zebracorn adapter"]);
    env.json(&["kb", "archive", &id(&a)]);
    assert!(search(&["platypod"]).is_empty());
    assert_eq!(search(&["--all", "platypod"]), ["Zebracorn adapter"]);
    let hit = &env.json(&["kb", "search", "--all", "platypod"])[0];
    assert!(hit["snippet"].as_str().unwrap().contains("platypod"), "{hit}");
    assert!(hit["score"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_version_1_database_is_indexed_when_it_is_upgraded() {
    let env = Env::empty();
    {
        let c = rusqlite::Connection::open(&env.db).unwrap();
        c.execute_batch(include_str!("../src/store/migrations/0001_init.sql")).unwrap();
        c.execute_batch(
            "PRAGMA application_id = 1684370283; PRAGMA user_version = 1;
             INSERT INTO technicians (login, name, tier, lead, created_at) VALUES ('lead', 'Lee', 3, 1, 0);
             INSERT INTO articles (title, body, tags, status, audience, created_at, updated_at)
             VALUES ('Old article about the wombatron', 'Written before search existed.', 'legacy', 'published', 'public', 0, 0);",
        )
        .unwrap();
    }
    assert_eq!(titles(&env.json(&["kb", "search", "wombatron"])), ["Old article about the wombatron"]);
    let c = rusqlite::Connection::open(&env.db).unwrap();
    let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, deskside::store::SCHEMA_VERSION);
}

/// Issue 19: `kb publish` checks the title with the knowledge base's own
/// search (as the console's `P` does) and publishes a look-alike only
/// with --force.
#[test]
fn publishing_a_look_alike_of_a_published_article_needs_force() {
    let env = Env::demo();
    let draft = env.json(&[
        "kb",
        "add",
        "--title",
        "won't join SchoolStaff wifi",
        "--body",
        "Forget the network and join again.",
    ]);
    let before = dump(&env.db);
    let (code, err) = env.fail(&["kb", "publish", &id(&draft)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Connecting to the SchoolStaff Wi-Fi") && err.contains("--force"), "{err}");
    assert_eq!(dump(&env.db), before, "a refused publish changes nothing");
    assert_eq!(env.json(&["kb", "publish", &id(&draft), "--force"])["status"], "published");
    // An article unlike any other publishes without --force.
    let other = env.json(&["kb", "add", "--title", "Zebracorn adapter firmware", "--body", "Update it."]);
    assert_eq!(env.json(&["kb", "publish", &id(&other)])["status"], "published");
}
