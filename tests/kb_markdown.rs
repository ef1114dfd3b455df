//! `kb export --markdown` and `kb import --markdown`: the knowledge base as
//! a folder of files a team reviews in git. A round trip changes nothing;
//! an edited file changes only its article; a bad file is named and nothing
//! is written; the publish rule holds for files as for `kb edit`.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The demo database (a copy of the template made once per build).
fn demo() -> Env {
    Env::demo()
}

fn folder(env: &Env) -> PathBuf {
    env.dir.path().join("kb")
}

fn export(env: &Env) -> Value {
    env.json(&["kb", "export", "--markdown", folder(env).to_str().unwrap()])
}

fn import_as(env: &Env, login: &str) -> Value {
    env.json_as(login, &["kb", "import", "--markdown", folder(env).to_str().unwrap()])
}

/// The file of article `id` in the folder.
fn file_of(env: &Env, id: i64) -> PathBuf {
    let prefix = format!("{id:02}-");
    let name = std::fs::read_dir(folder(env))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with(&prefix) && n.ends_with(".md"))
        .unwrap_or_else(|| panic!("no file for #{id}"));
    folder(env).join(name)
}

fn edit_file(env: &Env, id: i64, from: &str, to: &str) -> String {
    let path = file_of(env, id);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// Every article (all statuses) by id, as `kb list --all --json` shows it.
fn articles(env: &Env) -> BTreeMap<i64, Value> {
    let list = env.json(&["kb", "list", "--all"]);
    list.as_array().unwrap().iter().map(|a| (a["id"].as_i64().unwrap(), a.clone())).collect()
}

fn status_of(env: &Env, status: &str) -> i64 {
    env.json(&["kb", "list", "--status", status])[0]["id"].as_i64().unwrap()
}

#[test]
fn every_article_is_written_with_its_front_matter_and_body() {
    let env = demo();
    let summary = export(&env);
    let all = articles(&env);
    assert_eq!(summary["format"], "markdown");
    assert_eq!(summary["articles"], all.len());
    assert_eq!(summary["written"].as_array().unwrap().len(), all.len());
    let names: Vec<String> = std::fs::read_dir(folder(&env))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The export's own list of what it wrote (issue 15): not an article.
        .filter(|n| n != ".deskside-export")
        .collect();
    assert_eq!(names.len(), all.len(), "one file per article, drafts, archived and internal too");
    assert!(folder(&env).join(".deskside-export").is_file());
    for (id, a) in &all {
        let text = std::fs::read_to_string(file_of(&env, *id)).unwrap();
        let (front, body) = text.strip_prefix("+++\n").unwrap().split_once("\n+++\n").unwrap();
        let front: toml::Table = front.parse().unwrap();
        assert_eq!(front["id"].as_integer(), Some(*id));
        assert_eq!(front["title"].as_str(), a["title"].as_str());
        assert_eq!(front.get("category").and_then(|c| c.as_str()), a["category"].as_str());
        let tags: Vec<&str> = front["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        let want: Vec<&str> = a["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        assert_eq!(tags, want);
        assert_eq!(front["audience"].as_str(), a["audience"].as_str());
        assert_eq!(front["status"].as_str(), a["status"].as_str());
        let shown = env.json(&["kb", "show", &id.to_string()]);
        assert_eq!(body, shown["body"].as_str().unwrap(), "#{id}: the body as stored");
    }
    for status in ["draft", "archived"] {
        let id = status_of(&env, status);
        assert!(std::fs::read_to_string(file_of(&env, id))
            .unwrap()
            .contains(&format!("status = \"{status}\"")));
    }
    // A second export rewrites nothing.
    let again = export(&env);
    assert_eq!(again["written"].as_array().unwrap().len(), 0, "{again}");
    assert_eq!(again["unchanged"], all.len());
}

#[test]
fn a_round_trip_changes_nothing_and_one_edit_changes_one_article() {
    let env = demo();
    export(&env);
    let before = env.dump();
    let report = import_as(&env, "lead");
    assert_eq!(report["created"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["updated"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["unchanged"], articles(&env).len());
    assert_eq!(env.dump(), before, "importing what was exported changes nothing");

    let old = articles(&env);
    let file = edit_file(&env, 5, "\n+++\n", "\n+++\nA new first line from the review.\n\n");
    edit_file(&env, 5, "tags = [", "tags = [\"scanner\", ");
    let report = import_as(&env, "lead");
    let updated = report["updated"].as_array().unwrap();
    assert_eq!(updated.len(), 1, "{report}");
    assert_eq!(updated[0]["id"], 5);
    assert_eq!(updated[0]["file"], file.as_str());
    assert_eq!(updated[0]["changed"], serde_json::json!(["body", "tags"]));
    assert_eq!(report["unchanged"], old.len() - 1);
    let new = articles(&env);
    for (id, a) in &old {
        if *id != 5 {
            assert_eq!(&new[id], a, "#{id} must not change");
        }
    }
    assert_eq!(new[&5]["version"], old[&5]["version"].as_i64().unwrap() + 1);
    assert_eq!(new[&5]["tags"][0], "scanner");
    let shown = env.json(&["kb", "show", "5"]);
    assert!(shown["body"].as_str().unwrap().starts_with("A new first line from the review.\n\n"));

    // A new title: the next export writes the new name and drops the old one.
    let old_name = edit_file(&env, 5, "title = \"", "title = \"Scanning: ");
    import_as(&env, "lead");
    let again = export(&env);
    assert!(again["removed"].as_array().unwrap().iter().any(|r| r == old_name.as_str()), "{again}");
    assert!(!folder(&env).join(&old_name).exists());
    assert!(file_of(&env, 5).file_name().unwrap().to_string_lossy().starts_with("05-scanning-"));
}

#[test]
fn articles_imported_from_another_helpdesk_round_trip_too() {
    let env = Env::new();
    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/csv/freshdesk-articles.csv");
    env.run(&["import", "csv", "--kind", "articles", csv.to_str().unwrap()]).success();
    export(&env);
    let before = env.dump();
    let report = import_as(&env, "lead");
    assert_eq!(report["updated"].as_array().unwrap().len(), 0, "{report}");
    assert!(report["unchanged"].as_u64().unwrap() > 0);
    assert_eq!(env.dump(), before);
}

#[test]
fn new_files_create_articles_keeping_a_given_id() {
    let env = demo();
    export(&env);
    let next = articles(&env).keys().max().unwrap() + 1;
    let dir = folder(&env);
    std::fs::write(
        dir.join("new-article.md"),
        "+++\ntitle = \"Booking the ICT suite\"\ncategory = \"Shared-PCs\"\ntags = [\"ict suite\", \"booking\"]\naudience = \"public\"\nstatus = \"draft\"\n+++\nUse the room booking calendar.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("500-restored.md"),
        "+++\nid = 500\ntitle = \"Restored from git\"\naudience = \"internal\"\nstatus = \"archived\"\n+++\nOld procedure.\n",
    )
    .unwrap();
    // Sorted first, but its id must not be the one the next file claims.
    std::fs::write(
        dir.join("000-also-new.md"),
        "+++\ntitle = \"Also new\"\naudience = \"public\"\nstatus = \"draft\"\n+++\nText.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("claimed.md"),
        format!("+++\nid = {next}\ntitle = \"Claimed id\"\naudience = \"public\"\nstatus = \"draft\"\n+++\nText.\n"),
    )
    .unwrap();
    std::fs::write(dir.join("README.md"), "# Our knowledge base\n\nNot an article.\n").unwrap();
    let report = import_as(&env, "lead");
    let created = report["created"].as_array().unwrap();
    assert_eq!(created.len(), 4, "{report}");
    let made: BTreeMap<String, i64> = created
        .iter()
        .map(|c| (c["file"].as_str().unwrap().to_string(), c["id"].as_i64().unwrap()))
        .collect();
    assert_eq!(made["500-restored.md"], 500);
    assert_eq!(made["claimed.md"], next);
    assert_eq!(env.json(&["kb", "show", &next.to_string()])["title"], "Claimed id");
    // Files with an id go first, so a new file never takes an id another file claims.
    assert_eq!((made["000-also-new.md"], made["new-article.md"]), (501, 502));
    let new_id = 502;
    let a = env.json(&["kb", "show", &new_id.to_string()]);
    assert_eq!((a["status"].as_str(), a["category"].as_str()), (Some("draft"), Some("shared-pcs")));
    assert_eq!(a["author"], "lead");
    let r = env.json(&["kb", "show", "500"]);
    assert_eq!((r["status"].as_str(), r["audience"].as_str()), (Some("archived"), Some("internal")));
}

#[test]
fn a_broken_file_is_named_and_nothing_is_written() {
    let env = demo();
    export(&env);
    // A good change in one file, then a bad one in another: all or nothing.
    edit_file(&env, 3, "\n+++\n", "\n+++\nA reviewed line.\n");
    let before = env.dump();
    let bad = edit_file(&env, 7, "status = \"published\"", "status = \"live\"");
    let (code, err) = env.fail(&["kb", "import", "--markdown", folder(&env).to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&bad) && err.contains("`status`") && err.contains("live"), "{err}");
    assert_eq!(env.dump(), before);

    // Broken TOML, an unknown field, a missing title: each names file and field.
    edit_file(&env, 7, "status = \"live\"", "status = \"published\"");
    let cases = [
        (9, "title = \"", "title = \"unclosed\ntitle2 = \"", "not valid TOML"),
        (9, "audience = ", "owner = \"me\"\naudience = ", "unknown field `owner`"),
        (9, "title = ", "heading = ", "unknown field `heading`"),
    ];
    for (id, from, to, want) in cases {
        let text = std::fs::read_to_string(file_of(&env, id)).unwrap();
        let name = edit_file(&env, id, from, to);
        let (code, err) = env.fail(&["kb", "import", "--markdown", folder(&env).to_str().unwrap()]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(&name) && err.contains(want), "{err}");
        assert_eq!(env.dump(), before);
        std::fs::write(file_of(&env, id), text).unwrap();
    }
    // Going back to draft is not something `kb` does: refused, named.
    let name = edit_file(&env, 7, "status = \"published\"", "status = \"draft\"");
    let (code, err) = env.fail(&["kb", "import", "--markdown", folder(&env).to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&name) && err.contains("`status`") && err.contains("back to draft"), "{err}");
    assert_eq!(env.dump(), before, "the good change to #3 was rolled back too");
    // A file copied without removing its id.
    edit_file(&env, 7, "status = \"draft\"", "status = \"published\"");
    std::fs::copy(file_of(&env, 7), folder(&env).join("zz-copy.md")).unwrap();
    let (code, err) = env.fail(&["kb", "import", "--markdown", folder(&env).to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("zz-copy.md: `id` 7 is also the id in 07-"), "{err}");
    assert_eq!(env.dump(), before);
    std::fs::remove_file(folder(&env).join("zz-copy.md")).unwrap();
    // A file saved in another encoding.
    std::fs::write(folder(&env).join("zz-latin1.md"), b"+++\ntitle = \"Caf\xe9\"\n+++\nx\n").unwrap();
    let (code, err) = env.fail(&["kb", "import", "--markdown", folder(&env).to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("zz-latin1.md: the file is not UTF-8 text"), "{err}");
    assert_eq!(env.dump(), before);
    let (code, _) =
        env.fail(&["kb", "import", "--markdown", env.dir.path().join("missing").to_str().unwrap()]);
    assert_eq!(code, 2);
}

#[test]
fn publishing_through_a_file_needs_tier_two_or_a_lead() {
    let env = demo();
    export(&env);
    let draft = status_of(&env, "draft");
    let published = status_of(&env, "published");
    let before = env.dump();

    // Tier 1 may change a draft...
    edit_file(&env, draft, "\n+++\n", "\n+++\nClarified by first line.\n");
    let ok = import_as(&env, "jpatel");
    assert_eq!(ok["updated"].as_array().unwrap().len(), 1, "{ok}");
    let after_draft_edit = env.dump();
    assert_ne!(after_draft_edit, before);

    // ... but not publish it, nor change a published article.
    let name = edit_file(&env, draft, "status = \"draft\"", "status = \"published\"");
    let (code, err) = env.fail_as("jpatel", &["kb", "import", "--markdown", folder(&env).to_str().unwrap()]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains(&name) && err.contains("jpatel is tier 1"), "{err}");
    assert_eq!(env.dump(), after_draft_edit);
    edit_file(&env, draft, "status = \"published\"", "status = \"draft\"");
    let name = edit_file(&env, published, "\n+++\n", "\n+++\nTier one edit.\n");
    let (code, err) = env.fail_as("jpatel", &["kb", "import", "--markdown", folder(&env).to_str().unwrap()]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains(&name), "{err}");
    assert_eq!(env.dump(), after_draft_edit);

    // Tier 2 may do both.
    edit_file(&env, draft, "status = \"draft\"", "status = \"published\"");
    let report = import_as(&env, "mokafor");
    let ids: Vec<i64> =
        report["updated"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 2, "{report}");
    assert!(ids.contains(&draft) && ids.contains(&published));
    let a = env.json(&["kb", "show", &draft.to_string()]);
    assert_eq!(a["status"], "published");
}
