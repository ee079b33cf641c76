//! The slow questions of a run, started before their answers are needed, on one thread.
//!
//! The tags depend only on chartpress.yaml and the history, the registry questions only on
//! the tags; the lint needs the whole repository read and parsed. So the thread works out
//! the run's tag job from chartpress.yaml alone (as `--list-images` does), reads the
//! history, computes the tags and asks the registries about them, while the run reads,
//! parses and lints the repository. The run then builds the same job from the whole
//! repository and takes the thread's answers only if both jobs are equal (otherwise it
//! computes and asks again itself). Nothing is reported or written from here: the run takes
//! the answers at the stage that needs them, and a run stopped earlier (a lint error, bad
//! input) drops them unread.

use crate::git::Git;
use crate::history::History;
use crate::registry::{self, TagAnswer};
use crate::tag::{self, Identifier};
use anyhow::Result;
use hublint_core::image_ref::{self, ImageName};
use std::path::PathBuf;
use std::sync::{mpsc, Arc};

/// What the tags are computed from, and what else is asked about them.
#[derive(Debug, Clone, PartialEq)]
pub struct TagJob {
    /// The images' requests first, then the charts'.
    pub requests: Vec<tag::Request>,
    /// Whether and what to ask the registries once the tags are known.
    pub registry: Option<RegistryJob>,
    /// The paths `git status` is asked about (uncommitted changes), when it is.
    pub status_paths: Option<Vec<String>>,
}

/// The registry questions of a run: one per image (the first requests of the job, in
/// order).
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryJob {
    /// `--tag`: every image's tag.
    pub tag: Option<String>,
    /// Each image's name and the platforms its tag must have.
    pub images: Vec<(ImageName, Vec<String>)>,
    /// `--force-build` / `--force-push`: the client is wanted (for its credentials), no
    /// question is asked.
    pub ask: bool,
}

/// The registries' answers and the client that asked (its credentials serve the push
/// check later).
pub struct RegistryAnswers {
    pub client: registry::Client,
    /// `name:tag` asked and the answer, per image; `None` where no tag could be asked about
    /// (the run stops on that image before it needs an answer). Empty when nothing was asked.
    pub answers: Vec<Option<(String, TagAnswer)>>,
}

type Uncommitted = Result<Vec<String>>;

/// The thread's ends.
pub struct Prefetch {
    /// The run's own job, for the thread when it could not work one out itself.
    jobs: Option<mpsc::Sender<TagJob>>,
    /// The job the thread computed and its results ([`tag::identifiers`]'s, in order).
    tags: mpsc::Receiver<(TagJob, Vec<Result<Identifier>>)>,
    registry: mpsc::Receiver<RegistryAnswers>,
    status: mpsc::Receiver<Uncommitted>,
    /// The thread answered another job than the run's: its other answers are not used.
    stale: bool,
}

impl Prefetch {
    /// Starts the thread for the repository at `top`; `speculate` works out the run's job
    /// cheaply (`None`: the thread waits for [`Prefetch::submit`]'s).
    pub fn start(
        git: Arc<Git>,
        top: PathBuf,
        speculate: impl FnOnce() -> Option<TagJob> + Send + 'static,
    ) -> Prefetch {
        let (job_in, job_out) = mpsc::channel::<TagJob>();
        let (tags_in, tags_out) = mpsc::channel();
        let (registry_in, registry_out) = mpsc::channel();
        let (status_in, status_out) = mpsc::channel();
        std::thread::spawn(move || {
            let guess = speculate();
            let start_status = |job: &TagJob| {
                let paths = job.status_paths.clone()?;
                let git = git.clone();
                let status_in = status_in.clone();
                Some(std::thread::spawn(move || {
                    let _ = status_in.send(git.uncommitted(&paths));
                }))
            };
            // git status is a process of its own: started first, it runs beside the rest.
            let mut status = guess.as_ref().and_then(start_status);
            let history = History::open(&top);
            let job = match guess {
                Some(job) => job,
                // No job: the run stopped before needing tags.
                None => match job_out.recv() {
                    Ok(job) => job,
                    Err(_) => return,
                },
            };
            if status.is_none() {
                status = start_status(&job);
            }
            answer(&git, history, job, &tags_in, &registry_in);
            if let Some(status) = status {
                let _ = status.join();
            }
        });
        Prefetch {
            jobs: Some(job_in),
            tags: tags_out,
            registry: registry_out,
            status: status_out,
            stale: false,
        }
    }

    /// Hands the run's job to the thread; [`Prefetch::tags_for`] then takes the answer.
    pub fn submit(&mut self, job: &TagJob) {
        if let Some(jobs) = self.jobs.take() {
            let _ = jobs.send(job.clone());
        }
    }

    /// The results of [`tag::identifiers`] for `job`'s requests, in order: the thread's when
    /// it computed them for this very job, otherwise computed here.
    pub fn tags_for(&mut self, git: &Git, job: &TagJob) -> Vec<Result<Identifier>> {
        match self.tags.recv() {
            Ok((done, results)) if done == *job => results,
            _ => {
                self.stale = true;
                tag::identifiers(git, &job.requests)
            }
        }
    }

    /// `git status` for the job's `status_paths` (after [`Prefetch::tags_for`]).
    pub fn uncommitted(&self, git: &Git, job: &TagJob) -> Option<Uncommitted> {
        let paths = job.status_paths.as_ref()?;
        if !self.stale {
            if let Ok(answer) = self.status.recv() {
                return Some(answer);
            }
        }
        Some(git.uncommitted(paths))
    }

    /// The registry answers, when the job asked for them and the thread's job was the run's;
    /// `None` otherwise.
    pub fn registry_answers(&self) -> Option<RegistryAnswers> {
        if self.stale {
            return None;
        }
        self.registry.recv().ok()
    }
}

/// Computes the job's tags, asking the registry about each image as soon as its tag is known
/// (the questions wait on the registry, the next tag on this thread), and sends the tags,
/// then the answers.
fn answer(
    git: &Git,
    history: Result<History, crate::history::Unsupported>,
    job: TagJob,
    tags_in: &mpsc::Sender<(TagJob, Vec<Result<Identifier>>)>,
    registry_in: &mpsc::Sender<RegistryAnswers>,
) {
    let registry_job = job.registry.clone();
    let client = registry_job
        .as_ref()
        .map(|_| registry::Client::new(crate::credentials::Credentials::load()));
    let asking = registry_job.as_ref().filter(|r| r.ask);
    // The tag an image's question is about: `--tag`'s or the computed one, if valid.
    let tag_of = |i: usize, result: &Result<Identifier>| -> Option<String> {
        let r = asking?;
        r.images.get(i)?;
        let tag = match (&r.tag, result) {
            (Some(t), _) => t.clone(),
            (None, Ok(id)) => id.version.clone(),
            (None, Err(_)) => return None,
        };
        image_ref::check_tag(&tag).ok().map(|_| tag)
    };
    let answers = std::thread::scope(|scope| {
        let ask = |i: usize, tag: String| {
            let client = client.as_ref()?;
            let (name, platforms) = &asking?.images[i];
            Some(scope.spawn(move || {
                let answer = client.has_tag(name, &tag, platforms);
                (format!("{}:{tag}", name.full), answer)
            }))
        };
        let mut questions = Vec::new();
        let mut results = Vec::with_capacity(job.requests.len());
        // One request at a time in-process (each answer is independent of the others);
        // if any needs git, git answers them all and the questions are asked after.
        let in_process = history.ok().and_then(|history| {
            for (i, request) in job.requests.iter().enumerate() {
                let one = tag::identifiers_in_process(git, &history, std::slice::from_ref(request))
                    .ok()?
                    .pop()?;
                questions.push(tag_of(i, &one).and_then(|tag| ask(i, tag)));
                results.push(one);
            }
            Some(())
        });
        if in_process.is_none() {
            results = tag::identifiers_with_git(git, &job.requests);
            for early in std::mem::take(&mut questions).into_iter().flatten() {
                let _ = early.join();
            }
            questions = results
                .iter()
                .enumerate()
                .map(|(i, r)| tag_of(i, r).and_then(|tag| ask(i, tag)))
                .collect();
        }
        tags_in.send((job, results)).ok()?;
        let n_images = asking.map_or(0, |r| r.images.len());
        questions.resize_with(n_images, || None);
        Some(
            questions
                .into_iter()
                .take(n_images)
                .map(|q| q.and_then(|h| h.join().ok()))
                .collect::<Vec<_>>(),
        )
    });
    if let (Some(answers), Some(client)) = (answers, client) {
        let _ = registry_in.send(RegistryAnswers { client, answers });
    }
}
