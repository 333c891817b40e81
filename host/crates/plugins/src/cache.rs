//! Compiled components cached on disk, so a restart loads plugins in about a
//! millisecond instead of recompiling them (30–55 ms each).
//!
//! Artifacts are keyed by sha256 of the wasm bytes plus the engine's
//! compatibility hash, written atomically (temp file + rename) into a folder
//! only we write to. Deserializing a compiled artifact trusts it completely,
//! so we never load one from anywhere else; one that fails to load is
//! recompiled and overwritten.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Engine, Precompiled};

use super::error::{PluginError, Result};

/// On-disk cache of compiled components.
#[derive(Debug, Clone)]
pub(crate) struct CompiledCache {
    dir: PathBuf,
    engine_hash: u64,
}

impl CompiledCache {
    /// Use (and create) `dir` for artifacts of `engine`.
    pub(crate) fn new(engine: &Engine, dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| {
            PluginError::Runtime(format!("cannot create cache dir {}: {e}", dir.display()))
        })?;
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Ok(Self {
            dir: dir.to_path_buf(),
            engine_hash: hasher.finish(),
        })
    }

    /// Where the artifact of `wasm` lives.
    pub(crate) fn path_for(&self, wasm: &[u8]) -> PathBuf {
        let mut sha = Sha256::new();
        sha.update(wasm);
        sha.update(self.engine_hash.to_le_bytes());
        self.dir
            .join(format!("{}.cwasm", hex::encode(sha.finalize())))
    }

    /// The compiled component of `wasm`, from the cache when possible.
    pub(crate) fn load_or_compile(
        &self,
        engine: &Engine,
        wasm: &[u8],
        name: &str,
    ) -> Result<Component> {
        let path = self.path_for(wasm);
        if let Some(component) = self.load(engine, &path) {
            return Ok(component);
        }
        let component = Component::new(engine, wasm).map_err(|e| PluginError::Compile {
            plugin: name.to_owned(),
            detail: format!("{e:#}"),
        })?;
        // A cache we cannot write only costs speed; say so and carry on.
        if let Err(e) = component
            .serialize()
            .map_err(std::io::Error::other)
            .and_then(|bytes| write_atomically(&path, &bytes))
        {
            tracing::warn!(path = %path.display(), error = %e, "cannot cache compiled plugin");
        }
        Ok(component)
    }

    fn load(&self, engine: &Engine, path: &Path) -> Option<Component> {
        if Engine::detect_precompiled_file(path).ok()? != Some(Precompiled::Component) {
            return None;
        }
        match deserialize_file(engine, path) {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "stale plugin cache entry, recompiling");
                None
            }
        }
    }
}

#[expect(
    unsafe_code,
    reason = "wasmtime trusts precompiled artifacts; we only pass files we wrote into our own cache dir"
)]
fn deserialize_file(engine: &Engine, path: &Path) -> wasmtime::Result<Component> {
    // SAFETY: `path` is a file inside the cache dir this module owns,
    // written by `write_atomically` from `Component::serialize` output of an
    // engine with the same compatibility hash (part of the file name). The
    // file is mapped rather than read, so its code is not copied onto the
    // heap; it is never modified in place (a rewrite is a rename onto it,
    // which leaves the mapped inode alone).
    unsafe { Component::deserialize_file(engine, path) }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp-{}-{n}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
