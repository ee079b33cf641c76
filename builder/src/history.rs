//! The git history read in-process (gitoxide), answering the questions chartpress asks git
//! with the same answers and no process:
//!
//! - `git rev-list --parents HEAD` (the commit graph: counts and ancestry);
//! - `git log --max-count=1 --pretty=format:%h -- PATHS`, with git's default history
//!   simplification (a merge TREESAME to a parent follows only that parent);
//! - `git describe --tags --long C`, git's own candidate search replayed step by step;
//! - `git rev-list -n 1 refs/tags/TAG` and the abbreviated hashes git prints.
//!
//! Whatever this reader cannot answer exactly (shallow clones, grafts and replace refs,
//! linked worktrees, SHA-256 repositories, pathspec magic and globs, settings that change
//! these answers, a describe answer on which git versions disagree, ...) comes back as
//! [`Unsupported`], and the caller asks git itself.

use crate::git::{Dag, Described};
use gix::hash::ObjectId;
use gix::objs::tree::EntryKind;
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::Path;

/// Why the in-process reader gave up; git answers instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn unsupported<T>(why: impl Into<String>) -> Result<T, Unsupported> {
    Err(Unsupported(why.into()))
}

trait OrUnsupported<T> {
    fn or_unsupported(self, what: &str) -> Result<T, Unsupported>;
}

impl<T, E: std::fmt::Display> OrUnsupported<T> for Result<T, E> {
    fn or_unsupported(self, what: &str) -> Result<T, Unsupported> {
        self.map_err(|e| Unsupported(format!("{what}: {e}")))
    }
}

/// Environment variables that change which repository, objects, refs or pathspec rules git
/// uses: with any of them set, git answers.
const GIT_ENVIRONMENT: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_REPLACE_REF_BASE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_GRAFT_FILE",
    "GIT_SHALLOW_FILE",
    "GIT_LITERAL_PATHSPECS",
    "GIT_GLOB_PATHSPECS",
    "GIT_NOGLOB_PATHSPECS",
    "GIT_ICASE_PATHSPECS",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_NOSYSTEM",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
];

/// A tag name as `git describe` knows it (the best ref for one commit).
#[derive(Debug, Clone)]
struct TagName {
    name: String,
    /// 2 annotated, 1 lightweight (as git's `prio`).
    prio: u8,
    /// The tagger date of an annotated tag (0 without a tagger line), for git's tie-break.
    date: u64,
}

/// One path a pathspec names: its components, and whether it must be a directory (`dir/`).
#[derive(Debug, Clone)]
struct Spec {
    components: Vec<String>,
    dir_only: bool,
}

/// What a tree holds at a path, as git's diff compares it: the object and its kind
/// (modes canonicalised).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    kind: EntryKind,
    id: ObjectId,
}

/// The history reachable from HEAD, in memory.
pub struct History {
    repo: gix::Repository,
    reader: RefCell<ObjectReader>,
    dag: Dag,
    ids: Vec<ObjectId>,
    /// Committer dates (seconds), the order git's walks pop commits in.
    dates: Vec<u64>,
    trees: Vec<ObjectId>,
    /// Commit index → the tag `git describe` names it by.
    names: HashMap<usize, TagName>,
    /// How many distinct objects tags point at (git's `names` table size).
    name_count: usize,
    /// Every tag (short name) and the object it peels to.
    tag_targets: HashMap<String, ObjectId>,
    /// (tree, path) → entry, shared by every walk.
    lookups: RefCell<HashMap<(ObjectId, String), Option<Entry>>>,
}

/// Seconds after the last `>` of a signature (`Name <mail> 1700000000 +0100`), read as git
/// reads a commit date; anything else is not guessed at.
fn signature_seconds(raw: &[u8]) -> Result<u64, Unsupported> {
    let Some(gt) = raw.iter().rposition(|b| *b == b'>') else {
        return unsupported("a signature without an email");
    };
    let rest = std::str::from_utf8(&raw[gt + 1..]).or_unsupported("signature date")?;
    let digits = rest.trim_start().split(' ').next().unwrap_or("");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return unsupported(format!("unusual signature date {rest:?}"));
    }
    digits.parse().or_unsupported("signature date")
}

/// Reads objects for the walks. Loose objects (every commit of a repository that was never
/// repacked) are read here with one zlib state and one buffer for all of them: gix maps each
/// file and starts a fresh inflater per object, which was most of the history's cost.
/// Objects not loose come from gix's store (packs).
struct ObjectReader {
    /// `.git/objects/`; a loose object's path is this, `xx/` and the other 38 hex digits.
    objects_dir: std::ffi::OsString,
    /// What is known of each `xx/` fan-out directory: `Some(false)` once it was found
    /// absent, after which an object under it is not looked for loose (a failed path lookup
    /// per object made most of a packed repository's system time). Learnt on the first miss,
    /// so that a repository of loose objects pays nothing.
    loose_dirs: [Option<bool>; 256],
    /// The path of the object being read (reused, so that no path is allocated per object).
    path: std::ffi::OsString,
    inflate: gix::zlib::Decompress,
    /// The compressed file; `file_len` bytes are valid (as `out`).
    file: Vec<u8>,
    file_len: usize,
    /// The inflated object, header included; `len` bytes are valid (the rest is scratch,
    /// kept initialised so that it is not zeroed again for every object).
    out: Vec<u8>,
    len: usize,
    /// A packed object's data.
    packed: Vec<u8>,
}

impl ObjectReader {
    fn new(objects_dir: &Path) -> ObjectReader {
        let mut dir = objects_dir.as_os_str().to_owned();
        dir.push("/");
        ObjectReader {
            path: std::ffi::OsString::with_capacity(dir.len() + 41),
            objects_dir: dir,
            loose_dirs: [None; 256],
            inflate: gix::zlib::Decompress::new(),
            file: vec![0; 4096],
            file_len: 0,
            out: vec![0; 4096],
            len: 0,
            packed: Vec::new(),
        }
    }

    /// The object's kind and data (without the loose header).
    fn read(
        &mut self,
        repo: &gix::Repository,
        id: ObjectId,
    ) -> Result<(gix::objs::Kind, &[u8]), Unsupported> {
        let fan_out = usize::from(id.as_bytes()[0]);
        if self.loose_dirs[fan_out] == Some(false) {
            return self.read_packed(repo, id);
        }
        let mut hex = [0u8; 40];
        let hex = id.hex_to_buf(&mut hex);
        self.path.clear();
        self.path.push(&self.objects_dir);
        self.path.push(&hex[..2]);
        self.path.push("/");
        self.path.push(&hex[2..]);
        match std::fs::File::open(&self.path) {
            Ok(f) => self.read_file(f)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if self.loose_dirs[fan_out].is_none() {
                    let dir = Path::new(&self.path).parent().map(Path::is_dir);
                    self.loose_dirs[fan_out] = Some(dir.unwrap_or(true));
                }
                return self.read_packed(repo, id);
            }
            Err(e) => return unsupported(format!("reading a loose object: {e}")),
        }
        self.inflate_file()?;
        let data = &self.out[..self.len];
        let Some(nul) = data.iter().take(32).position(|b| *b == 0) else {
            return unsupported("a loose object without a header");
        };
        let header = std::str::from_utf8(&data[..nul]).or_unsupported("a loose object header")?;
        let (kind, size) = header
            .split_once(' ')
            .and_then(|(k, n)| Some((gix::objs::Kind::from_bytes(k.as_bytes()).ok()?, n)))
            .and_then(|(k, n)| Some((k, n.parse::<usize>().ok()?)))
            .map_or_else(
                || unsupported(format!("a loose object header {header:?}")),
                Ok,
            )?;
        let body = &data[nul + 1..];
        if body.len() != size {
            return unsupported("a loose object of the wrong size");
        }
        Ok((kind, body))
    }

    /// An object that is not loose, from gix's store.
    fn read_packed(
        &mut self,
        repo: &gix::Repository,
        id: ObjectId,
    ) -> Result<(gix::objs::Kind, &[u8]), Unsupported> {
        let object = repo.find_object(id).or_unsupported("reading an object")?;
        self.packed.clear();
        self.packed.extend_from_slice(&object.data);
        Ok((object.kind, &self.packed))
    }

    /// Reads the whole file into `file`: read calls only, until one returns nothing
    /// (`read_to_end` asks for the size and position first, two more calls per object).
    fn read_file(&mut self, mut f: std::fs::File) -> Result<(), Unsupported> {
        use std::io::Read as _;
        self.file_len = 0;
        loop {
            if self.file_len == self.file.len() {
                self.file.resize(self.file.len() * 2, 0);
            }
            match f.read(&mut self.file[self.file_len..]) {
                Ok(0) => return Ok(()),
                Ok(n) => self.file_len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return unsupported(format!("reading a loose object: {e}")),
            }
        }
    }

    /// Inflates `file` into `out`, growing it as needed; the stream must end.
    fn inflate_file(&mut self) -> Result<(), Unsupported> {
        use gix::zlib::{FlushDecompress, Status};
        self.inflate.reset();
        self.len = 0;
        let mut consumed = 0;
        loop {
            if self.len == self.out.len() {
                self.out.resize(self.out.len() * 2, 0);
            }
            let (in_before, out_before) = (self.inflate.total_in(), self.inflate.total_out());
            let status = self
                .inflate
                .decompress(
                    &self.file[consumed..self.file_len],
                    &mut self.out[self.len..],
                    FlushDecompress::Finish,
                )
                .or_unsupported("inflating a loose object")?;
            let read = usize::try_from(self.inflate.total_in() - in_before).unwrap_or(usize::MAX);
            let written =
                usize::try_from(self.inflate.total_out() - out_before).unwrap_or(usize::MAX);
            consumed += read;
            self.len += written;
            match status {
                Status::StreamEnd => return Ok(()),
                // More room is all a stream that has not ended can want: the input is whole.
                _ if self.len == self.out.len() => {}
                _ => return unsupported("a truncated loose object"),
            }
        }
    }
}

/// Refuses what the in-process reader cannot answer exactly, and opens the repository.
fn open_repository(top: &Path) -> Result<gix::Repository, Unsupported> {
    for var in GIT_ENVIRONMENT {
        if std::env::var_os(var).is_some() {
            return unsupported(format!("{var} is set"));
        }
    }
    let dot_git = top.join(".git");
    if !dot_git.is_dir() {
        return unsupported("the .git of a linked worktree or submodule");
    }
    for special in [
        "shallow",
        "info/grafts",
        "objects/info/alternates",
        "commondir",
    ] {
        if dot_git.join(special).exists() {
            return unsupported(format!(".git/{special} exists"));
        }
    }
    if dot_git.join("objects/pack/multi-pack-index").exists() {
        return unsupported("a multi-pack index (git counts its objects for abbreviations)");
    }
    let mut repo = gix::open(&dot_git).or_unsupported("opening the repository")?;
    // Objects are only read: a miss in the packs must not rescan the pack folder each
    // time (every loose object would cost a directory listing).
    repo.objects.refresh_never();
    if repo.object_hash() != gix::hash::Kind::Sha1 {
        return unsupported("not a SHA-1 repository");
    }
    if repo.is_shallow().unwrap_or(true) {
        return unsupported("a shallow clone");
    }
    let config = repo.config_snapshot();
    for key in ["core.abbrev", "diff.ignoreSubmodules"] {
        if config.string(key).is_some() {
            return unsupported(format!("{key} is configured"));
        }
    }
    for key in ["log.follow", "core.ignoreCase"] {
        if config.boolean(key) == Some(true) {
            return unsupported(format!("{key} is on"));
        }
    }
    Ok(repo)
}

/// Every commit reachable from `head`, parents in order: ids (HEAD first), parent indices,
/// committer dates and trees.
struct Commits {
    ids: Vec<ObjectId>,
    /// Commits the commit-graph does not hold → their index.
    index: HashMap<ObjectId, usize>,
    /// Commit-graph position → index + 1 (0: not reached), for the commits it holds.
    by_position: Vec<u32>,
    /// The commit-graph position of each commit the graph holds.
    positions: Vec<Option<gix::commitgraph::Position>>,
    parents: Vec<Vec<usize>>,
    dates: Vec<u64>,
    trees: Vec<ObjectId>,
}

/// The largest date a commit-graph holds (34 bits); git truncates larger ones when it writes
/// the file, and then walks by the truncated date.
const GRAPH_DATE_LIMIT: u64 = 1 << 34;

/// How commits are read: from the commit-graph git itself would read, or from objects.
enum GraphUse {
    Graph(Box<gix::commitgraph::Graph>),
    /// Neither the repository nor git uses one.
    None,
    /// A commit-graph is there but cannot be read: git may read part of it, so dates it
    /// would hold truncated cannot be relied on either way.
    Unreadable,
}

impl GraphUse {
    /// The graph the commits are read from, if any.
    fn graph(&self) -> Option<&gix::commitgraph::Graph> {
        match self {
            GraphUse::Graph(g) => Some(g),
            _ => None,
        }
    }
}

/// The commit-graph, when git would use it (`core.commitGraph`, default on since git 2.24).
fn open_commit_graph(repo: &gix::Repository) -> Result<GraphUse, Unsupported> {
    let enabled = repo
        .config_snapshot()
        .try_boolean("core.commitGraph")
        .or_unsupported("core.commitGraph")?
        .unwrap_or(true);
    // Checked first: gix reports a missing graph as an error, which costs more to build
    // than the two lookups.
    let info = repo.objects.store_ref().path().join("info");
    let present = info.join("commit-graph").exists()
        || info.join("commit-graphs/commit-graph-chain").exists();
    if !enabled || !present {
        return Ok(GraphUse::None);
    }
    match repo.commit_graph() {
        Ok(graph) => Ok(GraphUse::Graph(Box::new(graph))),
        Err(e) if e.is_not_found() => Ok(GraphUse::None),
        Err(_) => Ok(GraphUse::Unreadable),
    }
}

impl Commits {
    /// The index of a commit (known or new, queued to be read).
    fn intern(&mut self, graph: Option<&gix::commitgraph::Graph>, id: ObjectId) -> usize {
        if let Some((g, pos)) = graph.and_then(|g| Some((g, g.lookup(id)?))) {
            return self.intern_position(g, pos);
        }
        *self.index.entry(id).or_insert_with(|| {
            self.ids.push(id);
            self.positions.push(None);
            self.ids.len() - 1
        })
    }

    fn intern_position(
        &mut self,
        graph: &gix::commitgraph::Graph,
        pos: gix::commitgraph::Position,
    ) -> usize {
        let slot = &mut self.by_position[pos.0 as usize];
        if *slot != 0 {
            return *slot as usize - 1;
        }
        self.ids.push(graph.id_at(pos).to_owned());
        self.positions.push(Some(pos));
        *slot = self.ids.len() as u32;
        self.ids.len() - 1
    }

    /// The index of a commit already read, if it is in HEAD's history.
    fn find(&self, graph: Option<&gix::commitgraph::Graph>, id: &ObjectId) -> Option<usize> {
        match graph.and_then(|g| g.lookup(id)) {
            Some(pos) => match self.by_position[pos.0 as usize] {
                0 => None,
                slot => Some(slot as usize - 1),
            },
            None => self.index.get(id).copied(),
        }
    }

    /// Reads the next commit from its commit-graph entry, without its object.
    fn read_from_graph(
        &mut self,
        graph: &gix::commitgraph::Graph,
        pos: gix::commitgraph::Position,
    ) -> Result<(), Unsupported> {
        let commit = graph.commit_at(pos);
        // A parent entry out of range stops git itself: it answers (or fails) then.
        let parents = commit
            .iter_parents()
            .collect::<Result<Vec<_>, _>>()
            .or_unsupported("a corrupt commit-graph entry")?;
        // The date git's walks use when it reads the graph, as written: the committer date
        // git parsed, in 34 bits.
        self.dates.push(commit.committer_timestamp());
        self.trees.push(commit.root_tree_id().to_owned());
        let mine = parents
            .into_iter()
            .map(|p| self.intern_position(graph, p))
            .collect();
        self.parents.push(mine);
        Ok(())
    }
}

fn read_commits(
    repo: &gix::Repository,
    reader: &mut ObjectReader,
    graph: &GraphUse,
    head: ObjectId,
) -> Result<Commits, Unsupported> {
    let graph_ref = graph.graph();
    let mut c = Commits {
        ids: Vec::new(),
        index: HashMap::new(),
        by_position: vec![0; graph_ref.map_or(0, |g| g.num_commits() as usize)],
        positions: Vec::new(),
        parents: Vec::new(),
        dates: Vec::new(),
        trees: Vec::new(),
    };
    c.intern(graph_ref, head);
    let mut next = 0;
    while next < c.ids.len() {
        if let (Some(g), Some(pos)) = (graph_ref, c.positions[next]) {
            c.read_from_graph(g, pos)?;
            next += 1;
            continue;
        }
        let (kind, data) = reader.read(repo, c.ids[next])?;
        if kind != gix::objs::Kind::Commit {
            return unsupported("HEAD's history holds a non-commit");
        }
        let commit = gix::objs::CommitRef::from_bytes(data, gix::hash::Kind::Sha1)
            .or_unsupported("parsing a commit")?;
        let date = signature_seconds(commit.committer)?;
        if date >= GRAPH_DATE_LIMIT && matches!(graph, GraphUse::Unreadable) {
            // git may walk by this date truncated (from the part of the commit-graph it
            // reads) or not.
            return unsupported("a commit date past what a commit-graph holds");
        }
        c.dates.push(date);
        c.trees.push(commit.tree());
        let mine = commit.parents().map(|p| c.intern(graph_ref, p)).collect();
        c.parents.push(mine);
        next += 1;
    }
    Ok(c)
}

/// The tags `git describe` knows (by the object each peels to) and every tag's target.
struct Tags {
    by_target: HashMap<ObjectId, TagName>,
    targets: HashMap<String, ObjectId>,
}

fn read_tags(
    repo: &gix::Repository,
    reader: &mut ObjectReader,
    refs: &gix::reference::iter::Platform<'_>,
    is_known_commit: impl Fn(&ObjectId) -> bool,
) -> Result<Tags, Unsupported> {
    // Tags, in refname order as git iterates them, each peeled to its object.
    let mut tag_refs: Vec<(String, ObjectId)> = Vec::new();
    for r in refs.prefixed("refs/tags/").or_unsupported("reading tags")? {
        let r = r.or_unsupported("reading a tag")?;
        let full = r.name().as_bstr().to_string();
        let Some(id) = r.try_id() else {
            return unsupported(format!("symbolic tag ref {full}"));
        };
        let short = full.strip_prefix("refs/tags/").unwrap_or(&full).to_string();
        tag_refs.push((short, id.detach()));
    }
    tag_refs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut tags = Tags {
        by_target: HashMap::new(),
        targets: HashMap::new(),
    };
    for (short, direct) in tag_refs {
        let mut peeled = direct;
        let mut outer: Option<(String, u64)> = None;
        // Tags of tags peel to the end (bounded against cycles).
        for _ in 0..32 {
            if is_known_commit(&peeled) {
                // A commit of HEAD's history (already read): not a tag, nothing to peel.
                break;
            }
            let (kind, data) = reader.read(repo, peeled)?;
            if kind != gix::objs::Kind::Tag {
                break;
            }
            let tag = gix::objs::TagRef::from_bytes(data, gix::hash::Kind::Sha1)
                .or_unsupported("parsing a tag")?;
            if outer.is_none() {
                let date = match tag.tagger {
                    Some(raw) => signature_seconds(raw)?,
                    None => 0,
                };
                outer = Some((tag.name.to_string(), date));
            }
            peeled = tag.target();
        }
        let candidate = match outer {
            Some((embedded, date)) => {
                // git describe prints the embedded name: differing names are left to git.
                if embedded != short {
                    return unsupported(format!("tag {short} is known as {embedded}"));
                }
                TagName {
                    name: short.clone(),
                    prio: 2,
                    date,
                }
            }
            None => TagName {
                name: short.clone(),
                prio: 1,
                date: 0,
            },
        };
        // git's replace_name: annotated beats lightweight, a newer annotated tag beats
        // an older one, otherwise the first in refname order stays.
        match tags.by_target.get(&peeled) {
            Some(kept)
                if !(kept.prio < candidate.prio
                    || (kept.prio == 2 && candidate.prio == 2 && kept.date < candidate.date)) => {}
            _ => {
                tags.by_target.insert(peeled, candidate);
            }
        }
        tags.targets.insert(short, peeled);
    }
    Ok(tags)
}

impl History {
    /// Reads refs and the commit graph from HEAD, or says why git must answer instead.
    pub fn open(top: &Path) -> Result<History, Unsupported> {
        let repo = open_repository(top)?;
        let mut reader = ObjectReader::new(repo.objects.store_ref().path());
        let refs = repo.references().or_unsupported("reading refs")?;
        if refs
            .prefixed("refs/replace/")
            .or_unsupported("reading refs")?
            .next()
            .is_some()
        {
            return unsupported("replace refs");
        }
        let head = repo.head_id().or_unsupported("HEAD")?.detach();
        let graph = open_commit_graph(&repo)?;
        let commits = read_commits(&repo, &mut reader, &graph, head)?;
        let graph = graph.graph();
        let tags = read_tags(&repo, &mut reader, &refs, |id| {
            commits.find(graph, id).is_some()
        })?;
        drop(refs);
        let name_count = tags.by_target.len();
        let names = tags
            .by_target
            .into_iter()
            .filter_map(|(id, name)| commits.find(graph, &id).map(|i| (i, name)))
            .collect();
        // Hex-encoded directly: `to_string` goes through the formatting machinery, which was
        // a fifth of a commit-graph read.
        let hashes = commits
            .ids
            .iter()
            .map(|id| String::from(&*id.hex_to_buf(&mut [0u8; 40])))
            .collect();
        let dag = Dag::from_parts(hashes, commits.parents);
        Ok(History {
            repo,
            reader: RefCell::new(reader),
            dag,
            ids: commits.ids,
            dates: commits.dates,
            trees: commits.trees,
            names,
            name_count,
            tag_targets: tags.targets,
            lookups: RefCell::new(HashMap::new()),
        })
    }

    /// The commit graph (HEAD is commit 0).
    pub fn dag(&self) -> &Dag {
        &self.dag
    }

    /// The commit a tag peels to (`git rev-list -n 1 refs/tags/TAG`).
    pub fn tag_commit(&self, tag: &str) -> Result<usize, Unsupported> {
        let Some(id) = self.tag_targets.get(tag) else {
            return unsupported(format!("no tag {tag}"));
        };
        match self.ids.iter().position(|c| c == id) {
            Some(i) => Ok(i),
            None => unsupported(format!("tag {tag} is not in HEAD's history")),
        }
    }

    /// The abbreviated hash git prints for a commit (`%h`, `--abbrev-commit`): the
    /// object-count based length, grown until unique.
    pub fn abbrev(&self, commit: usize) -> Result<String, Unsupported> {
        use gix::prelude::ObjectIdExt as _;
        let prefix = self.ids[commit]
            .attach(&self.repo)
            .shorten()
            .or_unsupported("abbreviating a hash")?;
        Ok(prefix.to_string())
    }

    fn read_tree_entry(&self, tree: ObjectId, name: &str) -> Result<Option<Entry>, Unsupported> {
        let mut reader = self.reader.borrow_mut();
        let (kind, data) = reader.read(&self.repo, tree)?;
        if kind != gix::objs::Kind::Tree {
            return unsupported("a tree entry that is not a tree");
        }
        for entry in gix::objs::TreeRefIter::from_bytes(data, gix::hash::Kind::Sha1) {
            let entry = entry.or_unsupported("parsing a tree")?;
            if entry.filename == name.as_bytes() {
                return Ok(Some(Entry {
                    kind: entry.mode.kind(),
                    id: entry.oid.to_owned(),
                }));
            }
        }
        Ok(None)
    }

    /// What `tree` holds at `components` (memoised: unchanged trees recur across commits).
    fn entry_at(
        &self,
        tree: ObjectId,
        components: &[String],
    ) -> Result<Option<Entry>, Unsupported> {
        let Some((first, rest)) = components.split_first() else {
            return Ok(Some(Entry {
                kind: EntryKind::Tree,
                id: tree,
            }));
        };
        let key = (tree, components.join("/"));
        if let Some(hit) = self.lookups.borrow().get(&key) {
            return Ok(*hit);
        }
        let found = match self.read_tree_entry(tree, first)? {
            Some(e) if rest.is_empty() => Some(e),
            Some(e) if e.kind == EntryKind::Tree => self.entry_at(e.id, rest)?,
            _ => None,
        };
        self.lookups.borrow_mut().insert(key, found);
        Ok(found)
    }

    /// What a pathspec matches in a commit's tree, as far as a diff can tell.
    fn matched(&self, commit: usize, spec: &Spec) -> Result<Option<Entry>, Unsupported> {
        let found = self.entry_at(self.trees[commit], &spec.components)?;
        if let Some(e) = found {
            if e.kind == EntryKind::Commit {
                return unsupported("a pathspec reaches a submodule");
            }
            if e.kind == EntryKind::Tree && e.id == ObjectId::empty_tree(gix::hash::Kind::Sha1) {
                // An empty tree diffs as nothing: leave that to git.
                return unsupported("a pathspec reaches an empty tree");
            }
            if spec.dir_only && e.kind != EntryKind::Tree {
                return unsupported("a `dir/` pathspec names a file");
            }
        }
        Ok(found)
    }

    /// Whether the two commits differ nowhere under the pathspecs (git's TREESAME).
    fn same_under(&self, a: usize, b: usize, specs: &[Spec]) -> Result<bool, Unsupported> {
        if self.trees[a] == self.trees[b] {
            return Ok(true);
        }
        for spec in specs {
            if self.matched(a, spec)? != self.matched(b, spec)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `git log --max-count=1 -- PATHS` from HEAD: the first commit, in git's date-ordered
    /// walk, that is not TREESAME; a merge TREESAME to one of its parents (the first such, in
    /// parent order) is skipped and only that parent is followed.
    pub fn last_commit_touching(&self, paths: &[String]) -> Result<Option<usize>, Unsupported> {
        let specs = paths
            .iter()
            .map(|p| parse_pathspec(p))
            .collect::<Result<Vec<_>, _>>()?;
        let mut seen = vec![false; self.ids.len()];
        let mut queue = DateQueue::default();
        seen[0] = true;
        queue.push(0, self.dates[0]);
        while let Some(c) = queue.pop() {
            let parents = self.dag.parents(c);
            let mut treesame = false;
            let mut follow: &[usize] = parents;
            if parents.is_empty() {
                let mut touched = false;
                for spec in &specs {
                    touched |= self.matched(c, spec)?.is_some();
                }
                treesame = !touched;
            } else {
                for (n, p) in parents.iter().enumerate() {
                    if self.same_under(c, *p, &specs)? {
                        treesame = true;
                        follow = &parents[n..n + 1];
                        break;
                    }
                }
            }
            for &p in follow {
                if !seen[p] {
                    seen[p] = true;
                    queue.push(p, self.dates[p]);
                }
            }
            if !treesame {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    /// `git describe --tags --long C`, or `None` when no tag describes it. The tag is what
    /// every known version of git's search picks (they differ in when they stop looking); when
    /// they disagree, git answers. `commits_since` is 0 exactly when C is tagged, else git's
    /// current depth count.
    pub fn describe(&self, commit: usize) -> Result<Option<Described>, Unsupported> {
        if let Some(n) = self.names.get(&commit) {
            return Ok(Some(Described {
                tag: n.name.clone(),
                commits_since: 0,
            }));
        }
        let answers: Vec<Option<(usize, u64)>> = [
            Search::Oldest,
            Search::Covered,
            Search::StopAtMax { clamp: true },
            Search::StopAtMax { clamp: false },
        ]
        .into_iter()
        .map(|s| self.search(commit, s))
        .collect();
        let first = answers[0].map(|(n, _)| n);
        if answers.iter().any(|a| a.map(|(n, _)| n) != first) {
            return unsupported("git versions pick different tags here");
        }
        Ok(answers[2].map(|(n, depth)| Described {
            tag: self.names[&n].name.clone(),
            commits_since: depth,
        }))
    }

    /// One version of git describe's candidate search from `start` (not itself tagged):
    /// the commit of the chosen tag and its depth.
    fn search(&self, start: usize, search: Search) -> Option<(usize, u64)> {
        const SEEN: u32 = 1;
        const MAX_CANDIDATES: usize = 10;
        let max = match search {
            Search::StopAtMax { clamp: true } => MAX_CANDIDATES.min(self.name_count),
            _ => MAX_CANDIDATES,
        };
        struct Candidate {
            commit: usize,
            depth: u64,
            flag: u32,
            found_order: usize,
        }
        let mut flags = vec![0u32; self.ids.len()];
        let mut list = DateQueue::default();
        let mut matches: Vec<Candidate> = Vec::new();
        let mut annotated = 0;
        let mut seen_commits: u64 = 0;
        let mut gave_up_on = None;
        flags[start] = SEEN;
        list.push(start, self.dates[start]);
        while let Some(c) = list.pop() {
            seen_commits += 1;
            if matches!(search, Search::StopAtMax { .. }) && matches.len() == max {
                gave_up_on = Some(c);
                break;
            }
            if let Some(name) = self.names.get(&c) {
                if matches.len() < max {
                    let flag = 1u32 << (matches.len() + 1);
                    matches.push(Candidate {
                        commit: c,
                        depth: seen_commits - 1,
                        flag,
                        found_order: matches.len() + 1,
                    });
                    flags[c] |= flag;
                    if name.prio == 2 {
                        annotated += 1;
                    }
                } else if !matches!(search, Search::StopAtMax { .. }) {
                    gave_up_on = Some(c);
                    break;
                }
            }
            for m in matches.iter_mut() {
                if flags[c] & m.flag == 0 {
                    m.depth += 1;
                }
            }
            if annotated > 0 && list.is_empty() {
                if search == Search::Oldest {
                    break;
                }
                let best_depth = matches.iter().map(|m| m.depth).min().unwrap_or(0);
                let best_within = matches
                    .iter()
                    .filter(|m| m.depth == best_depth)
                    .fold(0, |acc, m| acc | m.flag);
                if flags[c] & best_within == best_within {
                    break;
                }
            }
            for &p in self.dag.parents(c) {
                if flags[p] & SEEN == 0 {
                    list.push(p, self.dates[p]);
                }
                flags[p] |= flags[c];
            }
        }
        if matches.is_empty() {
            return None;
        }
        matches.sort_by_key(|m| (m.depth, m.found_order));
        let best = &mut matches[0];
        if let Some(g) = gave_up_on {
            list.push(g, self.dates[g]);
        }
        // git's finish_depth_computation: count on until every commit left is the best's.
        while let Some(c) = list.pop() {
            if flags[c] & best.flag != 0 {
                if list.all(|i| flags[i] & best.flag != 0) {
                    break;
                }
            } else {
                best.depth += 1;
            }
            for &p in self.dag.parents(c) {
                if flags[p] & SEEN == 0 {
                    list.push(p, self.dates[p]);
                }
                flags[p] |= flags[c];
            }
        }
        Some((best.commit, best.depth))
    }
}

/// The versions of git describe's search loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Search {
    /// Up to git 2.20: stop as soon as an annotated tag was found and nothing is queued.
    Oldest,
    /// git 2.21 on: stop then only when the best candidates cover the last commit.
    Covered,
    /// Newer: also stop once as many candidates are found as there are tags (`clamp`), or
    /// at the maximum, before looking at the next commit.
    StopAtMax { clamp: bool },
}

/// git's date-ordered commit list: newest committer date first, equal dates in insertion
/// order (`commit_list_insert_by_date`, and the priority queue that replaced it).
#[derive(Default)]
struct DateQueue {
    heap: BinaryHeap<(u64, Reverse<u64>, usize)>,
    inserted: u64,
}

impl DateQueue {
    fn push(&mut self, commit: usize, date: u64) {
        self.inserted += 1;
        self.heap.push((date, Reverse(self.inserted), commit));
    }

    fn pop(&mut self) -> Option<usize> {
        self.heap.pop().map(|(_, _, c)| c)
    }

    fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    fn all(&self, f: impl Fn(usize) -> bool) -> bool {
        self.heap.iter().all(|(_, _, c)| f(*c))
    }
}

/// A repository-relative path as a literal pathspec; anything git would read differently
/// (magic, globs, `.`/`..` components, absolute or empty paths) is left to git.
fn parse_pathspec(path: &str) -> Result<Spec, Unsupported> {
    if path == "." {
        return Ok(Spec {
            components: Vec::new(),
            dir_only: true,
        });
    }
    if path.is_empty()
        || path.starts_with(':')
        || path.starts_with('/')
        || path.bytes().any(|b| b"*?[\\".contains(&b) || b < 0x20)
    {
        return unsupported(format!("pathspec {path:?}"));
    }
    let (body, dir_only) = match path.strip_suffix('/') {
        Some(b) => (b, true),
        None => (path, false),
    };
    let components: Vec<String> = body.split('/').map(str::to_string).collect();
    if components
        .iter()
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return unsupported(format!("pathspec {path:?}"));
    }
    Ok(Spec {
        components,
        dir_only,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pathspecs_that_need_git_are_refused() {
        for p in [
            "", ":(glob)a", "/abs", "a/*.txt", "a?", "a[b]", "a//b", "./a", "a/../b", "a\\b",
        ] {
            assert!(parse_pathspec(p).is_err(), "{p:?}");
        }
        let s = parse_pathspec("images/hub/").unwrap();
        assert_eq!(s.components, ["images", "hub"]);
        assert!(s.dir_only);
        assert!(parse_pathspec(".").unwrap().components.is_empty());
        assert!(!parse_pathspec("chartpress.yaml").unwrap().dir_only);
    }

    #[test]
    fn signature_dates_read_like_git() {
        assert_eq!(
            signature_seconds(b"A U Thor <a@example.org> 1700000000 +0100").unwrap(),
            1700000000
        );
        assert_eq!(signature_seconds(b"x <y> 5 -0000").unwrap(), 5);
        assert!(signature_seconds(b"no email 5 +0000").is_err());
        assert!(signature_seconds(b"x <y> -5 +0000").is_err());
    }

    #[test]
    fn date_queue_pops_newest_first_then_in_insertion_order() {
        let mut q = DateQueue::default();
        q.push(1, 10);
        q.push(2, 20);
        q.push(3, 10);
        q.push(4, 20);
        let order: Vec<usize> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, [2, 4, 1, 3]);
    }
}
