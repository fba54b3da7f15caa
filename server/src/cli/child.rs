//! Commands the server and the container run as helpers, answered before
//! any configuration is read: `pdf-text` (the PDF text extractor the server
//! runs as a child process) and `probe` (the container's health check).

/// `courseware pdf-text`: the PDF text extractor the server runs as a child
/// process (see `backend::jobs::outlines::pdf_text_isolated`): PDF bytes on stdin,
/// text on stdout, exit status 2 when the PDF cannot be read.
pub fn pdf_text() -> i32 {
    use std::io::{Read, Write};
    let mut input = Vec::new();
    let limit = types::limits::MAX_OUTLINE_BYTES as u64 + 1;
    if std::io::stdin().take(limit).read_to_end(&mut input).is_err() {
        return 2;
    }
    match course::parse::pdf_text(&input) {
        Ok(text) => match std::io::stdout().write_all(text.as_bytes()) {
            Ok(()) => 0,
            Err(_) => 2,
        },
        Err(_) => 2,
    }
}

/// `courseware probe http://HOST:PORT/PATH`: exit 0 when the URL answers
/// 200 within 3 s — the container's HEALTHCHECK, which needs no curl.
pub fn probe(url: &str) -> i32 {
    use std::io::{Read, Write};
    use std::net::ToSocketAddrs;
    use std::time::Duration;
    let Some(rest) = url.strip_prefix("http://") else {
        eprintln!("probe: only http:// URLs");
        return 2;
    };
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let Some(addr) = host.to_socket_addrs().ok().and_then(|mut a| a.next()) else {
        eprintln!("probe: cannot resolve {host}");
        return 2;
    };
    let answer = (|| -> std::io::Result<String> {
        let mut s = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(3))?;
        s.set_read_timeout(Some(Duration::from_secs(3)))?;
        s.write_all(format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())?;
        let mut head = [0u8; 64];
        let n = s.read(&mut head)?;
        Ok(String::from_utf8_lossy(&head[..n]).into_owned())
    })();
    match answer {
        Ok(a) if a.starts_with("HTTP/1.0 200") || a.starts_with("HTTP/1.1 200") => 0,
        Ok(a) => {
            eprintln!("probe: {}", a.lines().next().unwrap_or(""));
            1
        }
        Err(e) => {
            eprintln!("probe: {e}");
            1
        }
    }
}
