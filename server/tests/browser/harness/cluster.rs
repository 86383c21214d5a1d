//! The console at scale (issue 17): instances of the real server binary on one PostgreSQL
//! database made for the test, behind nginx configured from `deploy/nginx.conf`. Each
//! instance's log is kept, so a test can tell which instance holds whose live connection.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use server::config::Config;

use super::postgres::ScratchPostgres;
use super::{Console, dist_dir, free_port};

/// One server process.
pub struct Instance {
    pub port: u16,
    pub log: PathBuf,
    process: Child,
}

impl Instance {
    /// What the instance logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether `user_id`'s WebApp holds a live connection here.
    pub fn holds_live_events_of(&self, user_id: i64) -> bool {
        self.log().lines().any(|line| {
            line.contains("live events connected") && line.ends_with(&format!("user_id={user_id}"))
        })
    }
}

pub struct Cluster {
    /// nginx's address, where browsers go.
    pub url: String,
    pub instances: Vec<Instance>,
    nginx: Child,
    database_url: String,
    folder: tempfile::TempDir,
    _database: ScratchPostgres,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // SIGTERM: nginx's master stops its workers (SIGKILL would leave them listening).
        let _ = Command::new("kill")
            .args(["-TERM", &self.nginx.id().to_string()])
            .status();
        let _ = self.nginx.wait();
        for instance in &mut self.instances {
            let _ = instance.process.kill();
            let _ = instance.process.wait();
        }
    }
}

/// Waits until `GET /api/health` answers 200 on `port`.
fn until_healthy(port: u16, what: &str) {
    let started = Instant::now();
    loop {
        let answered = TcpStream::connect(("127.0.0.1", port))
            .ok()
            .and_then(|mut stream| {
                stream
                    .write_all(b"GET /api/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .ok()?;
                let mut reply = String::new();
                stream.read_to_string(&mut reply).ok()?;
                Some(reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200"))
            });
        if answered == Some(true) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{what} never became healthy"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn server_binary() -> &'static str {
    env!("CARGO_BIN_EXE_server")
}

/// Starts instance `n` of the server on `port`, logging (appending) to `log`.
fn spawn_instance(n: usize, port: u16, database_url: &str, folder: &Path, log: &Path) -> Child {
    let output = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("a log file");
    Command::new(server_binary())
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args(["--database-url", database_url])
        .arg("--dist-dir")
        .arg(dist_dir())
        .arg("--data-dir")
        .arg(folder.join(format!("data-{n}")))
        // Instances of one database share one proof signing key (PROOF-1).
        .arg("--proof-key")
        .arg(folder.join("proof-signing.key"))
        .args(["--trusted-proxies", "127.0.0.1"])
        .args(["--instance", &format!("instance-{n}")])
        // Demos move the date forward (`POST /api/admin/clock/advance`).
        .arg("--demo-clock")
        .env("CONSOLE_LOG", "info,tower_http=debug")
        .env("NO_COLOR", "1")
        .stdout(output.try_clone().expect("the log file"))
        .stderr(output)
        .spawn()
        .expect("the server binary starts")
}

impl Cluster {
    /// `count` instances behind nginx, on a new PostgreSQL database.
    pub async fn start(count: usize) -> Cluster {
        let (database, database_url) = ScratchPostgres::create().await;
        let folder = tempfile::tempdir().expect("a temporary folder");
        // nginx's workers run as another user: they must reach its folder.
        std::fs::set_permissions(
            folder.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .expect("opening the folder");
        let mut instances = Vec::new();
        for n in 0..count {
            let port = free_port();
            let log = folder.path().join(format!("instance-{n}.log"));
            let process = spawn_instance(n, port, &database_url, folder.path(), &log);
            instances.push(Instance { port, log, process });
        }
        for instance in &instances {
            until_healthy(instance.port, &format!("instance on {}", instance.port));
        }
        let listen = free_port();
        let upstreams: String = instances
            .iter()
            .map(|instance| {
                format!(
                    "server 127.0.0.1:{} max_fails=2 fail_timeout=5s; ",
                    instance.port
                )
            })
            .collect();
        let template = include_str!("../../../../deploy/nginx.conf");
        let config = template
            .replace("@PREFIX@", &folder.path().display().to_string())
            .replace("@LISTEN@", &format!("127.0.0.1:{listen}"))
            .replace("@INSTANCES@", &upstreams);
        let config_path = folder.path().join("nginx.conf");
        std::fs::write(&config_path, config).expect("writing nginx's configuration");
        let nginx = Command::new(nginx_binary())
            .arg("-p")
            .arg(folder.path())
            .arg("-c")
            .arg(&config_path)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx starts (`make test` installs it)");
        until_healthy(listen, "nginx");
        Cluster {
            url: format!("http://127.0.0.1:{listen}"),
            instances,
            nginx,
            database_url,
            folder,
            _database: database,
        }
    }

    /// The console as browsers reach it (through nginx), with a state on the cluster's
    /// database for reading rows (emails, ids).
    pub async fn console(&self) -> Console {
        let config = Config::parse_from([
            "server",
            "--database-url",
            &self.database_url,
            "--dist-dir",
            dist_dir().to_str().expect("a UTF-8 path"),
            "--proof-key",
            self.folder
                .path()
                .join("proof-signing.key")
                .to_str()
                .expect("a UTF-8 path"),
        ]);
        let state = server::prepare(&config)
            .await
            .expect("reading the cluster's database");
        Console::in_front_of(&self.url, state)
    }

    /// Kills instance `n` outright (SIGKILL): no shutdown, its leases simply stop being renewed.
    pub fn kill(&mut self, n: usize) {
        let instance = &mut self.instances[n];
        instance.process.kill().expect("killing an instance");
        let _ = instance.process.wait();
    }

    /// Starts instance `n` again (after [`Cluster::kill`]), under the same name and port, and
    /// waits until it answers.
    pub fn restart(&mut self, n: usize) {
        let instance = &mut self.instances[n];
        instance.process = spawn_instance(
            n,
            instance.port,
            &self.database_url,
            self.folder.path(),
            &instance.log,
        );
        until_healthy(instance.port, &format!("instance {n} restarted"));
    }

    /// The server's today as instance `n` answers it (`GET /api/health`).
    pub fn today_on(&self, n: usize) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.instances[n].port))
            .expect("the instance answers");
        stream
            .write_all(b"GET /api/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            .expect("asking its health");
        let mut reply = String::new();
        stream.read_to_string(&mut reply).expect("its health");
        let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
        let health: serde_json::Value = serde_json::from_str(body).expect("health is JSON");
        health["today"].as_str().unwrap_or_default().to_owned()
    }

    pub fn folder(&self) -> &Path {
        self.folder.path()
    }
}

fn nginx_binary() -> String {
    std::env::var("NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".into())
}
