//! `kb export --html DIR` and `--markdown DIR` never write or delete outside
//! DIR: a symbolic link inside it is refused with nothing touched, and only
//! files the export itself wrote (its manifest) are ever removed.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;
use common::Env;
use serde_json::Value;
use std::collections::BTreeMap;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The demo database, made once per run and copied for each test.
fn demo() -> Env {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kb_symlinks-demo.db");
        let made = Env::empty();
        made.run(&["init", "--demo", "--name", "Lee Lead"]).success();
        std::fs::copy(&made.db, &path).unwrap();
        path
    });
    let env = Env::empty();
    std::fs::copy(template, &env.db).unwrap();
    env
}

fn export(env: &Env, format: &str, dir: &Path) -> Value {
    env.json(&["kb", "export", format, dir.to_str().unwrap()])
}

/// Every file under `dir` (links not followed) with its bytes, or the link's target.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.file_type().is_symlink() {
                out.insert(rel, std::fs::read_link(&p).unwrap().into_os_string().into_encoded_bytes());
            } else if meta.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A folder holding what must never be touched: a (fake) live database and
/// its backup, under names the export would write or remove too.
fn victim(env: &Env, names: &[&str]) -> PathBuf {
    let v = env.dir.path().join("srv");
    std::fs::create_dir_all(&v).unwrap();
    for n in ["desk.db", "desk.db.bak"].iter().chain(names) {
        std::fs::write(v.join(n), format!("precious {n}")).unwrap();
    }
    v
}

fn refused(env: &Env, format: &str, dir: &Path, link: &str) {
    let (code, err) = env.fail(&["kb", "export", format, dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("symbolic link") && err.contains(link), "{err}");
}

#[test]
fn a_symlinked_articles_folder_is_refused_and_nothing_is_touched() {
    let env = demo();
    let site = env.dir.path().join("site");
    let first = export(&env, "--html", &site);
    let pages: Vec<String> = first["written"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("articles/").map(String::from))
        .collect();
    // articles/ now leads to the database's folder, which even holds files
    // under the names of the pages the export owns.
    let page_names: Vec<&str> = pages.iter().map(String::as_str).collect();
    let srv = victim(&env, &page_names);
    std::fs::remove_dir_all(site.join("articles")).unwrap();
    symlink(&srv, site.join("articles")).unwrap();
    env.run(&["kb", "archive", "1"]).success();
    let (site_before, srv_before) = (snapshot(&site), snapshot(&srv));
    refused(&env, "--html", &site, "articles");
    assert_eq!(snapshot(&srv), srv_before, "the database and its backup survive");
    assert_eq!(snapshot(&site), site_before, "nothing in the site changed either");
    assert!(srv.join("desk.db").exists() && srv.join("desk.db.bak").exists());
}

#[test]
fn a_symlinked_file_inside_the_folder_is_refused() {
    let env = demo();
    let srv = victim(&env, &[]);
    for format in ["--html", "--markdown"] {
        let dir = env.dir.path().join(format.trim_start_matches('-'));
        let first = export(&env, format, &dir);
        let target = first["written"].as_array().unwrap()[0].as_str().unwrap().to_string();
        std::fs::remove_file(dir.join(&target)).unwrap();
        symlink(srv.join("desk.db"), dir.join(&target)).unwrap();
        let (dir_before, srv_before) = (snapshot(&dir), snapshot(&srv));
        refused(&env, format, &dir, &target);
        assert_eq!(snapshot(&srv), srv_before, "{format}: the file behind the link is untouched");
        assert_eq!(snapshot(&dir), dir_before, "{format}: nothing was written");
    }
    // Where the manifest goes, too.
    let dir = env.dir.path().join("markdown");
    std::fs::remove_file(dir.join(".deskside-export")).unwrap();
    symlink(srv.join("desk.db.bak"), dir.join(".deskside-export")).unwrap();
    refused(&env, "--markdown", &dir, ".deskside-export");
    assert_eq!(std::fs::read_to_string(srv.join("desk.db.bak")).unwrap(), "precious desk.db.bak");
}

#[test]
fn a_symlinked_folder_named_by_the_user_is_written_into() {
    let env = demo();
    let real = env.dir.path().join("www-real");
    std::fs::create_dir(&real).unwrap();
    let link = env.dir.path().join("www");
    symlink(&real, &link).unwrap();
    let report = export(&env, "--html", &link);
    assert!(!report["written"].as_array().unwrap().is_empty());
    assert!(real.join("index.html").is_file() && std::fs::symlink_metadata(&link).unwrap().is_symlink());
}

#[test]
fn only_files_the_export_wrote_are_removed() {
    let env = demo();
    let kb = env.dir.path().join("kb");
    export(&env, "--markdown", &kb);
    let copy_of_7 = std::fs::read_dir(&kb)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("07-"))
        .unwrap();
    // A teacher's own files: notes, and a copy of an article with its id.
    std::fs::write(kb.join("teacher-notes.txt"), "mine").unwrap();
    std::fs::copy(&copy_of_7, kb.join("07-my-draft.md")).unwrap();
    // A manifest edited to point outside the folder is not obeyed.
    let srv = victim(&env, &[]);
    let mut manifest = std::fs::read_to_string(kb.join(".deskside-export")).unwrap();
    let hash = "0".repeat(64);
    manifest.push_str(&format!("{hash} ../srv/desk.db\n{hash} /etc/hostname\n"));
    std::fs::write(kb.join(".deskside-export"), manifest).unwrap();
    // Article 7's title changes: the file the export wrote goes, the copy stays.
    env.run(&["kb", "edit", "7", "--title", "A brand new title"]).success();
    let again = export(&env, "--markdown", &kb);
    let removed: Vec<&str> =
        again["removed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let old_name = copy_of_7.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(removed, [old_name.as_str()], "{again}");
    assert!(!copy_of_7.exists());
    assert!(kb.join("teacher-notes.txt").exists() && kb.join("07-my-draft.md").exists());
    assert!(srv.join("desk.db").exists());

    // The site: an archived article's page goes, a page dropped in by hand stays.
    let site = env.dir.path().join("site");
    export(&env, "--html", &site);
    std::fs::write(site.join("articles/99-teachers-page.html"), "mine").unwrap();
    env.run(&["kb", "archive", "1"]).success();
    let again = export(&env, "--html", &site);
    let removed: Vec<&str> =
        again["removed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(!removed.is_empty() && removed.iter().all(|r| r.starts_with("articles/01-")), "{removed:?}");
    assert!(site.join("articles/99-teachers-page.html").exists());
}

#[test]
fn a_killed_exports_temporaries_are_removed_next_time() {
    let env = demo();
    let kb = env.dir.path().join("kb");
    export(&env, "--markdown", &kb);
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = kb.join(format!(".01-x.md.tmp-{dead}"));
    std::fs::write(&stale, "half an article").unwrap();
    export(&env, "--markdown", &kb);
    assert!(!stale.exists());
}

/// `deskside ARGS` under `sh` with the given umask.
fn with_umask(env: &Env, umask: &str, args: &[&str]) -> Command {
    let base = env.std_cmd();
    let mut sh = Command::new("sh");
    for (k, v) in base.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    sh.arg("-c").arg(format!("umask {umask}; exec \"$0\" \"$@\"")).arg(base.get_program()).args(args);
    sh
}

#[test]
fn markdown_exports_are_private_and_the_public_site_follows_the_umask() {
    let env = demo();
    for umask in ["022", "002", "077"] {
        let kb = env.dir.path().join(format!("kb-{umask}"));
        let site = env.dir.path().join(format!("site-{umask}"));
        for (format, dir) in [("--markdown", &kb), ("--html", &site)] {
            let out =
                with_umask(&env, umask, &["kb", "export", format, dir.to_str().unwrap()]).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        for (name, bytes) in snapshot(&kb) {
            let m = std::fs::metadata(kb.join(&name)).unwrap().mode() & 0o777;
            assert_eq!(m, 0o600, "umask {umask}: {name} ({} bytes)", bytes.len());
        }
        assert_eq!(std::fs::metadata(&kb).unwrap().mode() & 0o777, 0o700);
        // The site holds published public articles only and is made to be
        // served: it is as readable as the umask lets it be.
        let want = 0o666 & !u32::from_str_radix(umask, 8).unwrap();
        let m = std::fs::metadata(site.join("index.html")).unwrap().permissions().mode() & 0o777;
        assert_eq!(m, want, "umask {umask}");
    }
}
