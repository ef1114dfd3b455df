//! Drives the real binary in tmux: send keys, wait for text on screen.

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicU32 = AtomicU32::new(0);

pub struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    /// The real `deskside` console on `env`'s database, as its technician,
    /// in a terminal of `size`.
    pub fn console(env: &super::Env, size: (u16, u16)) -> Tmux {
        let vars = env.vars();
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let bin = assert_cmd::cargo::cargo_bin("deskside");
        Tmux::start(&[bin.to_str().unwrap_or("deskside")], &vars, size)
    }

    /// Starts `cmd` (with `env` set) in a detached session of the given size
    /// on a private tmux server.
    pub fn start(cmd: &[&str], env: &[(&str, &str)], size: (u16, u16)) -> Tmux {
        assert!(
            Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success()),
            "tmux is required for the console's end-to-end tests (.ci/run installs it)"
        );
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let t = Tmux { socket: format!("deskside-test-{}-{n}", std::process::id()), session: "e2e".into() };
        let mut full = vec!["env".to_string()];
        full.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
        full.extend(cmd.iter().map(|s| s.to_string()));
        let status = t
            .tmux()
            .args([
                "new-session",
                "-d",
                "-s",
                &t.session,
                "-x",
                &size.0.to_string(),
                "-y",
                &size.1.to_string(),
            ])
            .args(&full)
            .status()
            .unwrap();
        assert!(status.success(), "tmux new-session failed");
        // Esc must reach the app at once, not wait to become Alt-<key>.
        t.tmux().args(["set", "-g", "escape-time", "0"]).status().unwrap();
        t
    }

    fn tmux(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    /// Sends tmux key names ("Enter", "Escape", "C-s", "Down" ...), one at a time.
    pub fn keys(&self, keys: &[&str]) -> &Tmux {
        for k in keys {
            self.tmux().args(["send-keys", "-t", &self.session, k]).status().unwrap();
            std::thread::sleep(Duration::from_millis(30));
        }
        self
    }

    /// Types literal text.
    pub fn text(&self, s: &str) -> &Tmux {
        self.tmux().args(["send-keys", "-t", &self.session, "-l", s]).status().unwrap();
        self
    }

    pub fn screen(&self) -> String {
        let out = self.tmux().args(["capture-pane", "-p", "-t", &self.session]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until `text` is on screen; fails with the screen after `secs`.
    pub fn wait_for(&self, text: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {text:?}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// True once the program in the session has exited.
    pub fn exited(&self) -> bool {
        let out = self.tmux().args(["list-panes", "-t", &self.session, "-F", "#{pane_dead}"]).output();
        match out {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim() == "1",
            _ => true,
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").stderr(std::process::Stdio::null()).status();
    }
}
