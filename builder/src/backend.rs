//! Container build backends: docker (plain or buildx for `--platform`), buildah and podman.
//! Every command is an argument vector run without a shell; hublint never sees registry
//! credentials, it only asks the backend whether it has some.

use anyhow::{bail, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BackendKind {
    Docker,
    /// `docker buildx build`, used for `--platform` with docker.
    DockerBuildx,
    Buildah,
    Podman,
}

impl BackendKind {
    pub fn parse(name: &str) -> Option<BackendKind> {
        match name {
            "docker" | "docker-build" => Some(BackendKind::Docker),
            "buildx" | "docker-buildx" => Some(BackendKind::DockerBuildx),
            "buildah" => Some(BackendKind::Buildah),
            "podman" => Some(BackendKind::Podman),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Docker => "docker",
            BackendKind::DockerBuildx => "docker-buildx",
            BackendKind::Buildah => "buildah",
            BackendKind::Podman => "podman",
        }
    }

    pub fn program(self) -> &'static str {
        match self {
            BackendKind::Docker | BackendKind::DockerBuildx => "docker",
            BackendKind::Buildah => "buildah",
            BackendKind::Podman => "podman",
        }
    }
}

/// A backend bound to its executable.
#[derive(Debug, Clone)]
pub struct Backend {
    pub kind: BackendKind,
    pub program: PathBuf,
}

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildRequest<'a> {
    /// `name:tag`, already checked against the reference grammar.
    pub reference: &'a str,
    pub context: &'a Path,
    pub dockerfile: &'a Path,
    pub build_args: &'a [(String, String)],
    pub extra_options: &'a [String],
    pub platforms: &'a [String],
    /// buildx pushes as part of the build.
    pub push: bool,
}

/// A command to run: program and arguments, never joined into a shell string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

impl CommandLine {
    fn new(program: &Path) -> Self {
        CommandLine {
            program: program.to_path_buf(),
            args: Vec::new(),
        }
    }
    fn arg(&mut self, a: impl Into<OsString>) -> &mut Self {
        self.args.push(a.into());
        self
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args);
        cmd
    }

    /// For display only (dry runs, logs): each word quoted as a POSIX shell would need.
    pub fn display(&self) -> String {
        std::iter::once(self.program.as_os_str())
            .chain(self.args.iter().map(OsString::as_os_str))
            .map(|w| shell_quote(&w.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@%+=:,./_-".contains(&b));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Finds `program` on PATH.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether docker's engine answers (the CLI alone is often installed without one).
fn docker_engine_answers(program: &Path) -> bool {
    Command::new(program)
        .args(["version", "--format", "{{.Server.Version}}"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Backend {
    /// The backend named by `--builder`, or the first usable one on PATH (docker with a
    /// running engine, then podman, then buildah). docker with platforms means buildx.
    pub fn select(choice: Option<BackendKind>, platforms: &[String]) -> Result<Backend> {
        let promote = |kind: BackendKind| {
            if kind == BackendKind::Docker && !platforms.is_empty() {
                BackendKind::DockerBuildx
            } else {
                kind
            }
        };
        if let Some(kind) = choice {
            let kind = promote(kind);
            let Some(program) = which(kind.program()) else {
                bail!(
                    "--builder {}: `{}` is not on PATH",
                    kind.name(),
                    kind.program()
                );
            };
            return Ok(Backend { kind, program });
        }
        if let Some(program) = which("docker") {
            if docker_engine_answers(&program) {
                return Ok(Backend {
                    kind: promote(BackendKind::Docker),
                    program,
                });
            }
        }
        for kind in [BackendKind::Podman, BackendKind::Buildah] {
            if let Some(program) = which(kind.program()) {
                return Ok(Backend { kind, program });
            }
        }
        bail!("no container build tool found: install docker, podman or buildah, or name one with --builder")
    }

    /// The build command. Several platforms with buildah/podman build a manifest list.
    pub fn build_command(&self, req: &BuildRequest) -> CommandLine {
        let mut c = CommandLine::new(&self.program);
        match self.kind {
            BackendKind::Docker => {
                c.arg("build");
            }
            BackendKind::DockerBuildx => {
                c.arg("buildx").arg("build").arg("--progress").arg("plain");
            }
            BackendKind::Buildah | BackendKind::Podman => {
                c.arg("build");
            }
        }
        let manifest = self.uses_manifest(req.platforms);
        c.arg(if manifest { "--manifest" } else { "-t" })
            .arg(req.reference);
        c.arg("-f").arg(req.dockerfile);
        for (k, v) in req.build_args {
            c.arg("--build-arg").arg(format!("{k}={v}"));
        }
        if !req.platforms.is_empty() {
            let mut sorted = req.platforms.to_vec();
            sorted.sort();
            c.arg("--platform").arg(sorted.join(","));
        }
        if self.kind == BackendKind::DockerBuildx {
            if req.push {
                c.arg("--push");
            } else if req.platforms.len() <= 1 {
                c.arg("--load");
            }
        }
        for o in req.extra_options {
            c.arg(o.as_str());
        }
        // The context goes last, after `--`-free options: paths are absolute, so a context
        // cannot be mistaken for an option.
        c.arg(req.context);
        c
    }

    fn uses_manifest(&self, platforms: &[String]) -> bool {
        matches!(self.kind, BackendKind::Buildah | BackendKind::Podman) && platforms.len() > 1
    }

    /// Whether the build command already pushed (buildx `--push`).
    pub fn pushes_in_build(&self) -> bool {
        self.kind == BackendKind::DockerBuildx
    }

    /// The push command, `None` for buildx (it pushes while building).
    pub fn push_command(&self, reference: &str, platforms: &[String]) -> Option<CommandLine> {
        let mut c = CommandLine::new(&self.program);
        match self.kind {
            BackendKind::DockerBuildx => return None,
            BackendKind::Docker => {
                c.arg("push").arg(reference);
            }
            BackendKind::Buildah | BackendKind::Podman => {
                if self.uses_manifest(platforms) {
                    c.arg("manifest").arg("push").arg("--all");
                } else {
                    c.arg("push");
                }
                c.arg(reference).arg(format!("docker://{reference}"));
            }
        }
        Some(c)
    }

    /// The command that asks whether the backend holds credentials for `registry`, when the
    /// backend has one (`login --get-login`; its output, a user name, is never shown).
    /// docker has no such question: its push output is read instead.
    pub fn login_check_command(&self, registry: &str) -> Option<CommandLine> {
        match self.kind {
            BackendKind::Buildah | BackendKind::Podman => {
                let mut c = CommandLine::new(&self.program);
                c.arg("login").arg("--get-login").arg(registry);
                Some(c)
            }
            BackendKind::Docker | BackendKind::DockerBuildx => None,
        }
    }

    /// What the user should run to log in.
    pub fn login_hint(&self, registry: &str) -> String {
        format!("{} login {}", self.kind.program(), shell_quote(registry))
    }
}

/// Whether a backend's output says the registry refused for lack of credentials.
pub fn mentions_missing_credentials(output: &str) -> bool {
    let lower = output.to_ascii_lowercase();
    [
        "unauthorized",
        "authentication required",
        "no basic auth credentials",
        "denied: requested access",
        "access to the requested resource is not authorized",
        "requested access to the resource is denied",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backend(kind: BackendKind) -> Backend {
        Backend {
            kind,
            program: PathBuf::from(kind.program()),
        }
    }

    fn words(c: &CommandLine) -> Vec<String> {
        c.args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn command_vectors() {
        let args = vec![("REQUIREMENTS_FILE".to_string(), "a b;c.txt".to_string())];
        let req = BuildRequest {
            reference: "quay.io/org/hub:1.0.0",
            context: Path::new("/repo/images/hub"),
            dockerfile: Path::new("/repo/images/hub/Dockerfile"),
            build_args: &args,
            extra_options: &["--target=slim".to_string()],
            platforms: &[],
            push: true,
        };
        assert_eq!(
            words(&backend(BackendKind::Buildah).build_command(&req)),
            [
                "build",
                "-t",
                "quay.io/org/hub:1.0.0",
                "-f",
                "/repo/images/hub/Dockerfile",
                "--build-arg",
                "REQUIREMENTS_FILE=a b;c.txt",
                "--target=slim",
                "/repo/images/hub"
            ]
        );
        assert_eq!(
            words(
                &backend(BackendKind::Buildah)
                    .push_command("quay.io/org/hub:1.0.0", &[])
                    .unwrap()
            ),
            [
                "push",
                "quay.io/org/hub:1.0.0",
                "docker://quay.io/org/hub:1.0.0"
            ]
        );
        let platforms = vec!["linux/arm64".to_string(), "linux/amd64".to_string()];
        let req = BuildRequest {
            platforms: &platforms,
            ..req
        };
        let bx = backend(BackendKind::DockerBuildx);
        let w = words(&bx.build_command(&req));
        assert_eq!(&w[..4], ["buildx", "build", "--progress", "plain"]);
        assert!(w
            .windows(2)
            .any(|p| p == ["--platform", "linux/amd64,linux/arm64"]));
        assert!(w.contains(&"--push".to_string()));
        assert!(bx.push_command("x:1", &platforms).is_none());
        let pm = backend(BackendKind::Podman);
        assert!(words(&pm.build_command(&req)).contains(&"--manifest".to_string()));
        assert_eq!(
            words(&pm.push_command("x:1", &platforms).unwrap())[..3],
            ["manifest", "push", "--all"]
        );
        assert_eq!(
            bx.build_command(&req).display().split(' ').next_back(),
            Some("/repo/images/hub")
        );
    }

    #[test]
    fn quoting_for_display() {
        assert_eq!(shell_quote("a b;c"), "'a b;c'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("quay.io/x:1"), "quay.io/x:1");
        assert_eq!(
            backend(BackendKind::Podman).login_hint("quay.io"),
            "podman login quay.io"
        );
        assert!(mentions_missing_credentials(
            "Error: unauthorized: access to the requested resource is not authorized"
        ));
        assert!(!mentions_missing_credentials("connection refused"));
    }
}
