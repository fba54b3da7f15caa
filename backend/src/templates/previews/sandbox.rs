//! Running a converter (LibreOffice, pdftoppm) on a file a user gave us,
//! treating the file as hostile:
//!
//! - **its own process group**, killed whole — `soffice` starts `oosplash`,
//!   which starts `soffice.bin` — when the conversion ends, times out, or is
//!   given up (the future dropped: a client that went away, a server
//!   shutting down). Nothing it started outlives it.
//! - **no network**: where the machine allows it, in a network namespace of
//!   its own (`unshare --net`, with `--map-root-user` when not root), so a
//!   picture linked from `http://…` — had the template check missed it —
//!   cannot be fetched; and always with a LibreOffice profile that blocks
//!   linked content and sends any web request to a dead local proxy.
//! - **limits**: address space and CPU seconds per process (`prlimit`), a
//!   wall-clock limit for the whole conversion, and an environment holding
//!   nothing of the server's (no keys, no `DATABASE_URL`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use tokio::process::Command;

/// Address space one converter process may map (RLIMIT_AS). LibreOffice
/// maps far more than it touches (measured: a template preview converts
/// within 1 GiB at 210 MB resident); twice that leaves room for long decks.
pub const MEMORY_LIMIT: u64 = 2 << 30;

/// Why a conversion did not produce its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The program is not on this machine.
    Missing(String),
    /// Over its wall-clock limit: killed with everything it started.
    TimedOut(String),
    /// It ran and failed (or was killed by a limit).
    Failed(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Missing(what) => write!(f, "{what} is not installed on this server"),
            Failure::TimedOut(what) => write!(f, "{what} took too long and was stopped"),
            Failure::Failed(what) => write!(f, "{what} could not read the file"),
        }
    }
}

/// A program on `PATH`.
pub fn tool(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

/// The command prefix that takes the network away, if this machine lets
/// us make a network namespace (checked once: root may, others need
/// unprivileged user namespaces; a container usually allows neither).
fn no_network_prefix() -> &'static Option<Vec<String>> {
    static PREFIX: OnceLock<Option<Vec<String>>> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let unshare = tool("unshare")?;
        let unshare = unshare.to_string_lossy().into_owned();
        let tries: [&[&str]; 2] = [&["--net"], &["--net", "--map-root-user"]];
        for flags in tries {
            let ok = std::process::Command::new(&unshare)
                .args(flags)
                .arg("--")
                .arg("true")
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                tracing::info!(flags = %flags.join(" "), "converters run without a network (own network namespace)");
                let mut prefix = vec![unshare];
                prefix.extend(flags.iter().map(|f| (*f).to_owned()));
                prefix.push("--".into());
                return Some(prefix);
            }
        }
        tracing::warn!(
            "cannot make a network namespace here: converters run with LibreOffice's own \
             blocks on linked content and a dead proxy instead"
        );
        None
    })
}

/// Whether conversions here run in a network namespace of their own.
pub fn isolated_from_network() -> bool {
    no_network_prefix().is_some()
}

/// The converters one server has running, by process group, so shutting
/// down kills them too (a process that exits runs no destructors, and a
/// group of its own outlives it).
#[derive(Debug, Default)]
pub struct Groups(std::sync::Mutex<std::collections::HashSet<i32>>);

impl Groups {
    /// Kills every group still running; how many there were.
    pub fn kill_all(&self) -> usize {
        let groups: Vec<i32> = self.0.lock().unwrap_or_else(|p| p.into_inner()).drain().collect();
        for pgid in &groups {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(*pgid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        groups.len()
    }
}

/// Kills a process group when dropped (a group that is already gone is fine).
struct Group<'a> {
    pgid: Option<i32>,
    groups: &'a Groups,
}

impl Drop for Group<'_> {
    fn drop(&mut self) {
        if let Some(pgid) = self.pgid.take() {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pgid),
                nix::sys::signal::Signal::SIGKILL,
            );
            self.groups
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&pgid);
        }
    }
}

/// How much of the machine a run may take from others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Someone is waiting for it (a deck's pictures).
    Normal,
    /// Background work (measuring a drawn deck): `nice -n 19`, so it takes
    /// only the time others leave.
    Low,
}

/// One contained run of `program` with `args`, in `work` (its home and
/// current folder), killed with its whole group after `limit`.
pub async fn run(
    program: &Path,
    args: &[std::ffi::OsString],
    what: &str,
    work: &Path,
    limit: Duration,
    groups: &Groups,
) -> Result<Vec<u8>, Failure> {
    run_with(program, args, what, work, limit, groups, Priority::Normal).await
}

/// A helper the sandbox wraps runs in, from the system's own folders only
/// (never one a `PATH` could shadow).
fn system_tool(name: &str) -> Option<PathBuf> {
    ["/usr/bin", "/bin"]
        .into_iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.is_file())
}

/// [`run`] at a [`Priority`].
pub async fn run_with(
    program: &Path,
    args: &[std::ffi::OsString],
    what: &str,
    work: &Path,
    limit: Duration,
    groups: &Groups,
    priority: Priority,
) -> Result<Vec<u8>, Failure> {
    let mut line: Vec<std::ffi::OsString> = Vec::new();
    if let Some(prefix) = no_network_prefix() {
        line.extend(prefix.iter().map(Into::into));
    }
    if let Some(prlimit) = system_tool("prlimit") {
        line.push(prlimit.into());
        line.push(format!("--as={MEMORY_LIMIT}").into());
        line.push(format!("--cpu={}", limit.as_secs().max(1) + 1).into());
        line.push("--".into());
    }
    if priority == Priority::Low {
        if let Some(nice) = system_tool("nice") {
            line.extend([nice.into(), "-n".into(), "19".into()]);
        }
    }
    line.push(program.into());
    line.extend(args.iter().cloned());
    let mut cmd = Command::new(&line[0]);
    cmd.args(&line[1..])
        .current_dir(work)
        .env_clear()
        .env(
            "PATH",
            std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
        )
        .env("HOME", work)
        .env("LANG", "C.UTF-8")
        // Any web request LibreOffice or a library makes goes nowhere.
        .env("http_proxy", DEAD_PROXY)
        .env("https_proxy", DEAD_PROXY)
        .env("ftp_proxy", DEAD_PROXY)
        .env("no_proxy", "")
        .process_group(0)
        .kill_on_drop(true)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd
        .spawn()
        .map_err(|e| Failure::Missing(format!("{what} ({e})")))?;
    let pgid = child.id().and_then(|id| i32::try_from(id).ok());
    if let Some(pgid) = pgid {
        groups.0.lock().unwrap_or_else(|p| p.into_inner()).insert(pgid);
    }
    let group = Group { pgid, groups };
    let result = match tokio::time::timeout(limit, child.wait_with_output()).await {
        Err(_) => Err(Failure::TimedOut(what.to_owned())),
        Ok(Err(e)) => Err(Failure::Failed(format!("{what} ({e})"))),
        Ok(Ok(out)) if !out.status.success() => {
            let err = String::from_utf8_lossy(&out.stderr);
            tracing::warn!(tool = what, status = ?out.status, stderr = %err.chars().take(400).collect::<String>(), "converter failed");
            Err(Failure::Failed(what.to_owned()))
        }
        Ok(Ok(mut out)) => {
            // What it printed (a page count, a file name): a few lines.
            out.stdout.truncate(MAX_OUTPUT);
            Ok(out.stdout)
        }
    };
    // Whatever happened, nothing of the group is left running.
    drop(group);
    result
}

/// What is kept of a converter's output at most.
const MAX_OUTPUT: usize = 64 * 1024;

/// Where web requests from a converter go: the discard port on loopback
/// (inside a network namespace, a loopback that is not even up).
const DEAD_PROXY: &str = "http://127.0.0.1:9";

/// Prepares a fresh LibreOffice profile in `profile` that loads nothing from
/// outside the document: linked content from documents outside trusted
/// locations (there are none) is blocked, and every internet protocol goes
/// through a proxy that does not exist. The argument to pass LibreOffice.
pub fn office_profile(profile: &Path) -> std::io::Result<std::ffi::OsString> {
    let user = profile.join("user");
    std::fs::create_dir_all(&user)?;
    std::fs::write(user.join("registrymodifications.xcu"), OFFICE_SETTINGS)?;
    let url = url::Url::from_directory_path(profile).map_err(|()| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the profile folder {} is not an absolute path", profile.display()),
        )
    })?;
    Ok(format!("-env:UserInstallation={url}").into())
}

const OFFICE_SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetProxyType" oor:op="fuse"><value>1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPProxyName" oor:op="fuse"><value>127.0.0.1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPProxyPort" oor:op="fuse"><value>9</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPSProxyName" oor:op="fuse"><value>127.0.0.1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetHTTPSProxyPort" oor:op="fuse"><value>9</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetFTPProxyName" oor:op="fuse"><value>127.0.0.1</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetFTPProxyPort" oor:op="fuse"><value>9</value></prop></item>
<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="ooInetNoProxy" oor:op="fuse"><value></value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_is_a_file_url_even_for_odd_folder_names() {
        let dir = tempfile::tempdir().expect("tmp");
        let profile = dir.path().join("a folder #1 %20 ü");
        let arg = office_profile(&profile).expect("profile");
        let arg = arg.to_string_lossy();
        assert!(arg.starts_with("-env:UserInstallation=file:///"), "{arg}");
        assert!(!arg.contains(' ') && !arg.contains('#'), "{arg}");
        assert!(profile.join("user/registrymodifications.xcu").is_file());
        assert!(
            office_profile(Path::new("relative/profile")).is_err(),
            "a relative folder is refused, never passed on"
        );
    }

    #[tokio::test]
    async fn a_timed_out_run_leaves_no_process_of_its_group() {
        let dir = tempfile::tempdir().expect("tmp");
        // A shell that starts a grandchild in the background and waits:
        // the grandchild is what a plain kill of the child would miss.
        let script = "sleep 300 & sleep 301; wait";
        let sh = tool("sh").expect("sh");
        let args: Vec<std::ffi::OsString> = vec!["-c".into(), script.into()];
        let t = std::time::Instant::now();
        let groups = Groups::default();
        let out = run(
            &sh,
            &args,
            "the test",
            dir.path(),
            Duration::from_millis(500),
            &groups,
        )
        .await;
        assert_eq!(
            groups.kill_all(),
            0,
            "a finished run leaves its group off the list"
        );
        assert_eq!(out, Err(Failure::TimedOut("the test".into())));
        assert!(t.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(200)).await;
        let left = std::process::Command::new("pgrep")
            .args(["-f", "sleep 30[01]"])
            .output()
            .expect("pgrep");
        let pids = String::from_utf8_lossy(&left.stdout);
        // Other tests may sleep too, but not for 300 s in this folder's group.
        for pid in pids.split_whitespace() {
            let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).unwrap_or_default();
            assert_ne!(
                cwd,
                dir.path(),
                "process {pid} of the killed group is still running"
            );
        }
    }
}
