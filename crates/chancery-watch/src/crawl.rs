//! The crawler: fetches a set of URLs with manners.
//!
//! Workers take URLs host by host: one request at a time per host, a delay
//! between two requests to one host (the larger of ours and the site's
//! Crawl-delay), a global request rate, robots.txt read before a host's
//! first page, redirects followed hop by hop (each hop checked again by the
//! guard, robots.txt and the host's delay; loops and long chains stopped),
//! and 429, 5xx, timeouts and broken connections retried with exponential
//! backoff and jitter, or after the Retry-After the server asked for.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use texting_robots::Robot;
use url::Url;

use crate::fetch::{Fetcher, Response, Validators, Want};
use crate::{canonicalize, host_key, FetchConfig, WatchError};

/// How the crawler behaves.
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    /// The fetcher's identity and caps.
    pub fetch: FetchConfig,
    /// The least time between two requests to one host.
    pub host_delay: Duration,
    /// A site's Crawl-delay is honoured up to this.
    pub max_crawl_delay: Duration,
    /// Requests per second across all hosts.
    pub rate: f64,
    /// Redirects followed for one URL.
    pub max_redirects: u32,
    /// Attempts per URL (the first and the retries) on transient failures.
    pub max_attempts: u32,
    /// The wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// A Retry-After longer than this is not waited for within a run: the
    /// URL fails for now with the delay it asked for.
    pub max_retry_after: Duration,
    /// Fetching threads.
    pub workers: usize,
    /// How long a robots.txt is trusted before it is read again.
    pub robots_ttl: Duration,
}

impl Default for CrawlConfig {
    fn default() -> CrawlConfig {
        CrawlConfig {
            fetch: FetchConfig::default(),
            host_delay: Duration::from_secs(1),
            max_crawl_delay: Duration::from_secs(30),
            rate: 20.0,
            max_redirects: 5,
            max_attempts: 3,
            backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(120),
            workers: 16,
            robots_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// One URL to fetch, with the caller's tag.
#[derive(Debug, Clone)]
pub struct Task<T> {
    /// The canonical URL.
    pub url: Url,
    /// Validators of an earlier response, for a conditional GET.
    pub validators: Validators,
    /// What the body is for.
    pub want: Want,
    /// Given back with the result.
    pub tag: T,
}

/// What became of a task.
#[derive(Debug)]
pub struct Finished<T> {
    /// The task's tag.
    pub tag: T,
    /// The URL asked for.
    pub url: Url,
    /// The body (at its final URL) or 304, or why not.
    pub result: Result<Response, WatchError>,
    /// Attempts made (1 without retries).
    pub attempts: u32,
}

/// Counters over the crawler's life.
#[derive(Debug, Default)]
pub struct CrawlStats {
    /// HTTP requests sent (robots.txt included; refused ones not).
    pub requests: AtomicU64,
    /// Retries after transient failures.
    pub retries: AtomicU64,
    /// URLs not fetched because robots.txt disallows them.
    pub robots_denied: AtomicU64,
}

/// robots.txt of one host.
struct Rules {
    robot: Option<Robot>,
    /// Why the file could not be read (5xx, unreachable): nothing is
    /// fetched from the host until it can.
    unreachable: Option<String>,
    read_at: Instant,
}

impl Rules {
    fn allows(&self, url: &Url) -> bool {
        self.robot.as_ref().is_none_or(|r| r.allowed(url.as_str()))
    }

    fn crawl_delay(&self) -> Option<Duration> {
        let seconds = self.robot.as_ref()?.delay?;
        (seconds.is_finite() && seconds > 0.0).then(|| Duration::from_secs_f32(seconds))
    }
}

/// Fetches URLs politely; keeps robots.txt and per-host timing across runs.
pub struct Crawler {
    fetcher: Fetcher,
    config: CrawlConfig,
    robots: Mutex<HashMap<String, Arc<Rules>>>,
    /// When each host may next be asked.
    host_next: Mutex<HashMap<String, Instant>>,
    stats: CrawlStats,
    /// Set to stop: no further request starts (see [`Crawler::stopper`]).
    stop: Arc<AtomicBool>,
}

/// How long an idle worker sleeps before it looks at the stop flag again.
const STOP_CHECK: Duration = Duration::from_millis(200);

struct Job<T> {
    task: Task<T>,
    current: Url,
    hops: u32,
    attempts: u32,
    visited: Vec<Url>,
    not_before: Instant,
}

struct HostQueue<T> {
    jobs: VecDeque<Job<T>>,
    busy: bool,
}

impl<T> Default for HostQueue<T> {
    fn default() -> HostQueue<T> {
        HostQueue {
            jobs: VecDeque::new(),
            busy: false,
        }
    }
}

struct Schedule<T> {
    hosts: HashMap<String, HostQueue<T>>,
    host_next: HashMap<String, Instant>,
    unfinished: usize,
    global_next: Instant,
}

enum Step<T> {
    Done(Job<T>, Result<Response, WatchError>),
    Again(Job<T>, Option<Duration>),
    Redirect(Job<T>),
}

impl Crawler {
    /// A crawler with this configuration.
    pub fn new(config: CrawlConfig) -> Crawler {
        Crawler {
            fetcher: Fetcher::new(config.fetch.clone()),
            config,
            robots: Mutex::new(HashMap::new()),
            host_next: Mutex::new(HashMap::new()),
            stats: CrawlStats::default(),
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The crawler's stop flag. Once it is set, no request starts: a
    /// [`Crawler::run`] returns when the requests in flight end, without
    /// results for the tasks not begun (a shutdown; the caller's queue
    /// still holds them).
    pub fn stopper(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Its configuration.
    pub fn config(&self) -> &CrawlConfig {
        &self.config
    }

    /// Its counters.
    pub fn stats(&self) -> &CrawlStats {
        &self.stats
    }

    /// Connections the SSRF guard refused.
    pub fn refused(&self) -> u64 {
        self.fetcher.refused()
    }

    /// Fetches every task and hands each result to `done` on the calling
    /// thread as it comes (in no fixed order) while the workers go on.
    pub fn run<T: Send>(&self, tasks: Vec<Task<T>>, mut done: impl FnMut(Finished<T>)) {
        if tasks.is_empty() {
            return;
        }
        let now = Instant::now();
        let mut schedule = Schedule {
            hosts: HashMap::new(),
            host_next: lock(&self.host_next).clone(),
            unfinished: tasks.len(),
            global_next: now,
        };
        for task in tasks {
            let key = host_key(&task.url);
            schedule.hosts.entry(key).or_default().jobs.push_back(Job {
                current: task.url.clone(),
                task,
                hops: 0,
                attempts: 0,
                visited: Vec::new(),
                not_before: now,
            });
        }
        let workers = self.config.workers.clamp(1, schedule.hosts.len().max(1));
        let shared = (Mutex::new(schedule), Condvar::new());
        let (sender, receiver) = std::sync::mpsc::channel::<Finished<T>>();
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let sender = sender.clone();
                let shared = &shared;
                scope.spawn(move || self.work(shared, sender));
            }
            drop(sender);
            for finished in receiver {
                done(finished);
            }
        });
        let (schedule, _) = shared;
        let schedule = schedule.into_inner().unwrap_or_else(|e| e.into_inner());
        *lock(&self.host_next) = schedule.host_next;
    }

    fn work<T: Send>(
        &self,
        (schedule, wake): &(Mutex<Schedule<T>>, Condvar),
        sender: std::sync::mpsc::Sender<Finished<T>>,
    ) {
        loop {
            // Take the job of the host that may be asked soonest.
            let mut guard = lock(schedule);
            let (key, job) = loop {
                if guard.unfinished == 0 || self.stopped() {
                    wake.notify_all();
                    return;
                }
                let now = Instant::now();
                let best = guard
                    .hosts
                    .iter()
                    .filter(|(_, q)| !q.busy && !q.jobs.is_empty())
                    .map(|(key, q)| {
                        let host_ready = guard.host_next.get(key).copied().unwrap_or(now);
                        let job_ready = q.jobs.front().map_or(now, |j| j.not_before);
                        (host_ready.max(job_ready), key.clone())
                    })
                    .min();
                match best {
                    Some((ready, key)) => {
                        let at = ready.max(guard.global_next);
                        if at <= now {
                            let rate_gap =
                                Duration::from_secs_f64(1.0 / self.config.rate.max(0.001));
                            guard.global_next = guard.global_next.max(now) + rate_gap;
                            let queue = guard.hosts.get_mut(&key).expect("the host chosen");
                            queue.busy = true;
                            let job = queue.jobs.pop_front().expect("a job");
                            break (key, job);
                        }
                        // Waits are cut short to notice a stop.
                        guard = wake
                            .wait_timeout(guard, (at - now).min(STOP_CHECK))
                            .map(|(g, _)| g)
                            .unwrap_or_else(|e| e.into_inner().0);
                    }
                    None => {
                        guard = wake
                            .wait_timeout(guard, STOP_CHECK)
                            .map(|(g, _)| g)
                            .unwrap_or_else(|e| e.into_inner().0)
                    }
                }
            };
            drop(guard);

            let (step, delay) = self.step(&key, job);

            let mut guard = lock(schedule);
            let next = Instant::now() + delay;
            guard.host_next.insert(key.clone(), next);
            if let Some(queue) = guard.hosts.get_mut(&key) {
                queue.busy = false;
            }
            match step {
                Step::Done(job, result) => {
                    guard.unfinished -= 1;
                    let _ = sender.send(Finished {
                        tag: job.task.tag,
                        url: job.task.url,
                        result,
                        attempts: job.attempts.max(1),
                    });
                }
                Step::Again(mut job, wait) => {
                    if let Some(wait) = wait {
                        job.not_before = Instant::now() + wait;
                    }
                    guard.hosts.entry(key).or_default().jobs.push_front(job);
                }
                Step::Redirect(job) => {
                    let key = host_key(&job.current);
                    guard.hosts.entry(key).or_default().jobs.push_front(job);
                }
            }
            wake.notify_all();
        }
    }

    /// One request for a job (robots.txt first when the host's is not
    /// known), and the delay before its host may be asked again.
    fn step<T>(&self, key: &str, mut job: Job<T>) -> (Step<T>, Duration) {
        let mut delay = self.config.host_delay;
        let rules = lock(&self.robots).get(key).cloned();
        let rules = match rules {
            Some(rules) if rules.read_at.elapsed() < self.robots_ttl(&rules) => rules,
            _ => match self.read_robots(key, &job.current) {
                Ok(rules) => {
                    if let Some(crawl) = rules.crawl_delay() {
                        delay = delay.max(crawl.min(self.config.max_crawl_delay));
                    }
                    // robots.txt was this host's request: the page waits its turn.
                    return (Step::Again(job, None), delay);
                }
                Err(error) => return (Step::Done(job, Err(error)), delay),
            },
        };
        if let Some(crawl) = rules.crawl_delay() {
            delay = delay.max(crawl.min(self.config.max_crawl_delay));
        }
        if let Some(problem) = &rules.unreachable {
            let error = WatchError::Transport {
                url: job.current.to_string(),
                problem: format!("robots.txt cannot be read ({problem}); nothing is fetched from the host until it can"),
            };
            return (Step::Done(job, Err(error)), Duration::ZERO);
        }
        if !rules.allows(&job.current) {
            self.stats.robots_denied.fetch_add(1, Ordering::Relaxed);
            let error = WatchError::Robots {
                url: job.current.to_string(),
            };
            return (Step::Done(job, Err(error)), Duration::ZERO);
        }
        job.attempts += 1;
        // Validators belong to the URL asked for, not to a redirect target.
        let validators = if job.hops == 0 {
            job.task.validators.clone()
        } else {
            Validators::default()
        };
        let result = self.fetcher.get(&job.current, &validators, job.task.want);
        if !matches!(&result, Err(WatchError::Forbidden { .. })) {
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
        }
        match result {
            Ok(Response::Redirect(location)) => {
                let first = job.task.url.to_string();
                let target = match canonicalize(&location, Some(&job.current)) {
                    Ok(target) => target,
                    Err(error) => return (Step::Done(job, Err(error)), delay),
                };
                job.visited.push(job.current.clone());
                if job.visited.contains(&target) {
                    let error = WatchError::Redirect {
                        url: first,
                        problem: format!("redirect loop back to {target}"),
                    };
                    return (Step::Done(job, Err(error)), delay);
                }
                if job.hops >= self.config.max_redirects {
                    let error = WatchError::Redirect {
                        url: first,
                        problem: format!("more than {} redirects", self.config.max_redirects),
                    };
                    return (Step::Done(job, Err(error)), delay);
                }
                job.hops += 1;
                job.attempts = 0;
                job.current = target;
                (Step::Redirect(job), delay)
            }
            Err(error) if error.is_transient() && job.attempts < self.config.max_attempts => {
                let asked = error.retry_after();
                if asked.is_some_and(|d| d > self.config.max_retry_after) {
                    return (Step::Done(job, Err(error)), delay);
                }
                self.stats.retries.fetch_add(1, Ordering::Relaxed);
                let backoff = self
                    .config
                    .backoff
                    .saturating_mul(1 << (job.attempts - 1).min(16));
                let jitter = backoff.mul_f64(fastrand::f64() * 0.5);
                let wait = asked.unwrap_or(backoff + jitter);
                // The whole host waits: a 429 or a 503 is about the host.
                (Step::Again(job, Some(wait)), delay.max(wait))
            }
            result => (Step::Done(job, result), delay),
        }
    }

    /// Reads the robots.txt of the host of `url` into the cache.
    fn read_robots(&self, key: &str, url: &Url) -> Result<Arc<Rules>, WatchError> {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        let result = self
            .fetcher
            .get(&robots_url, &Validators::default(), Want::Robots);
        if !matches!(&result, Err(WatchError::Forbidden { .. })) {
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
        }
        let (robot, unreachable) = match result {
            Ok(Response::Body(body)) => (
                Robot::new(&self.config.fetch.agent_name, &body.bytes).ok(),
                None,
            ),
            // A robots.txt that moved is not followed (RFC 9309 allows
            // that); no file, no rules.
            Ok(Response::NotModified) | Ok(Response::Redirect(_)) => (None, None),
            Err(WatchError::Status { status, .. }) if (400..500).contains(&status) => (None, None),
            // The guard's refusal is the page's answer too.
            Err(error @ WatchError::Forbidden { .. }) => {
                return Err(match error {
                    WatchError::Forbidden { problem, .. } => WatchError::Forbidden {
                        url: url.to_string(),
                        problem,
                    },
                    other => other,
                })
            }
            // Unreachable or failing: assume everything is disallowed for
            // now (RFC 9309, 2.3.1.4), read again on the next run.
            Err(error) => (None, Some(error.to_string())),
        };
        let rules = Arc::new(Rules {
            robot,
            unreachable,
            read_at: Instant::now(),
        });
        lock(&self.robots).insert(key.to_string(), rules.clone());
        Ok(rules)
    }

    /// How long rules are trusted: a robots.txt that could not be read is
    /// tried again after a few minutes, not a day.
    fn robots_ttl(&self, rules: &Rules) -> Duration {
        if rules.unreachable.is_some() {
            self.config.robots_ttl.min(Duration::from_secs(600))
        } else {
            self.config.robots_ttl
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
