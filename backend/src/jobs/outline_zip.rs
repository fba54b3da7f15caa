//! A zip of outline files, one course each (a catalogue batch sent as
//! files): unpacked in memory under limits on entries, sizes and total, then
//! every file read by the same parser, behind the same gate, as an upload.

use std::io::Read;

use types::batches::MAX_BATCH_COURSES;
use types::limits::MAX_OUTLINE_BYTES;
use types::outline::Outline;
use types::ApiError;

use super::outlines::{self, Rejected};
use crate::{AppState, Result};

/// Most entries looked at (folders and skipped files included).
const MAX_ENTRIES: usize = 4 * MAX_BATCH_COURSES;

/// Most bytes unpacked in all.
pub const MAX_UNPACKED_BYTES: usize = 64 << 20;

/// One outline file of the zip.
pub struct ZipOutline {
    /// Its path in the zip.
    pub file: String,
    pub outline: Outline,
}

impl ZipOutline {
    /// The course's title: the outline's own, else the file's name.
    pub fn title(&self) -> String {
        let own = self.outline.title.trim();
        if !own.is_empty() {
            return own.to_owned();
        }
        let name = self.file.rsplit('/').next().unwrap_or(&self.file);
        name.rsplit_once('.').map_or(name, |(stem, _)| stem).to_owned()
    }
}

fn refused(message: impl Into<String>) -> crate::Error {
    ApiError::invalid("outlines", message).into()
}

/// Reads every outline file in `zip` for `user`, in path order. The zip
/// counts once against the user's hourly allowance of outline reads.
pub async fn read(
    state: &AppState,
    user: i64,
    zip: impl AsRef<[u8]> + Send + 'static,
) -> Result<Vec<ZipOutline>> {
    if let Err(retry_after) = state.outline_reads.hit(user) {
        return Err(ApiError::TooManyRequests { retry_after }.into());
    }
    let files = tokio::task::spawn_blocking(move || unpack(zip.as_ref()))
        .await
        .map_err(|e| anyhow::anyhow!("unpacking a zip of outlines stopped: {e}"))??;
    let mut read = Vec::with_capacity(files.len());
    for (file, bytes) in files {
        let outline = outlines::parse(bytes).await.map_err(|e| match e {
            Rejected::Refused(e) => e.into(),
            Rejected::Crashed(why) => crate::Error::from(anyhow::anyhow!(why)),
            other => refused(format!("{file}: {other}")),
        })?;
        read.push(ZipOutline { file, outline });
    }
    Ok(read)
}

/// Whether a path in a zip is an outline to read (not a folder, not the
/// hidden files archivers add).
fn wanted(path: &str) -> bool {
    !path.ends_with('/')
        && !path
            .split('/')
            .any(|part| part.starts_with('.') || part == "__MACOSX")
}

fn unpack(zip: &[u8]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip))
        .map_err(|_| refused("The file is not a zip archive."))?;
    if archive.len() > MAX_ENTRIES {
        return Err(refused(format!("The zip has more than {MAX_ENTRIES} entries.")));
    }
    let mut files = Vec::new();
    let mut total = 0usize;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| {
            refused(format!(
                "Entry {} cannot be read ({e}); encrypted zips are not read.",
                i + 1
            ))
        })?;
        let path = entry
            .name()
            .map(std::borrow::Cow::into_owned)
            .map_err(|_| refused(format!("Entry {} has an unreadable name.", i + 1)))?;
        if entry.is_dir() || !wanted(&path) {
            continue;
        }
        let shown: String = path.chars().take(200).collect();
        if files.len() == MAX_BATCH_COURSES {
            return Err(refused(format!(
                "The zip holds more than {MAX_BATCH_COURSES} outline files; a batch is at most {MAX_BATCH_COURSES} courses."
            )));
        }
        let too_large = || {
            refused(format!(
                "{shown}: an outline is at most {} MB.",
                MAX_OUTLINE_BYTES >> 20
            ))
        };
        if entry.size() > MAX_OUTLINE_BYTES as u64 {
            return Err(too_large());
        }
        // The declared size may lie: read one byte past the limit at most.
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_OUTLINE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| refused(format!("{shown} cannot be unpacked: {e}")))?;
        if bytes.len() > MAX_OUTLINE_BYTES {
            return Err(too_large());
        }
        total += bytes.len();
        if total > MAX_UNPACKED_BYTES {
            return Err(refused(format!(
                "The zip unpacks to more than {} MB.",
                MAX_UNPACKED_BYTES >> 20
            )));
        }
        files.push((shown, bytes));
    }
    if files.is_empty() {
        return Err(refused("The zip holds no outline files."));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in files {
            out.start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("entry");
            out.write_all(bytes).expect("write");
        }
        out.finish().expect("finish").into_inner()
    }

    #[test]
    fn outline_files_are_taken_in_order_and_clutter_skipped() {
        let zip = zip_of(&[
            ("b.md", b"# B\n- x\n"),
            ("__MACOSX/._b.md", b"junk"),
            (".DS_Store", b"junk"),
            ("dir/a.txt", b"A\n- y\n"),
        ]);
        let files = unpack(&zip).expect("unpacked");
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["b.md", "dir/a.txt"]);
    }

    #[test]
    fn too_many_too_large_empty_or_not_a_zip_is_refused_by_reason() {
        let many: Vec<(String, Vec<u8>)> = (0..=MAX_BATCH_COURSES)
            .map(|i| (format!("{i:03}.md"), b"# M\n- t\n".to_vec()))
            .collect();
        let many: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        let said = |zip: &[u8]| unpack(zip).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(said(&zip_of(&many)).contains("more than 500 outline files"));
        // A bomb: 11 MB of one byte packs into a few KB.
        let bomb = vec![b'a'; MAX_OUTLINE_BYTES + 1];
        let packed = {
            let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            out.start_file(
                "bomb.md",
                zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated),
            )
            .expect("entry");
            out.write_all(&bomb).expect("write");
            out.finish().expect("finish").into_inner()
        };
        assert!(packed.len() < 100_000, "{}", packed.len());
        assert!(said(&packed).contains("at most 10 MB"));
        assert!(said(&zip_of(&[("__MACOSX/x", b"j")])).contains("no outline files"));
        assert!(said(b"PK not really").contains("not a zip"));
    }
}
