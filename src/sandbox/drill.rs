//! What each scenario changes: failures in the pipeline, flaky answers, and the Sentry issue
//! that rises after a release, tied to real code so that fixing the code ends the drill.
use crate::cli::Scenario;
use crate::sandbox::world::sentry::Frame;
use git2::{Oid, Repository};
use std::time::Duration;

/// A stack frame before it is placed: the line is found by its text in the deployed commit.
#[derive(Debug, Clone, Copy)]
pub struct FrameSpec {
    pub path: &'static str,
    pub function: &'static str,
    /// Text on the frame's line; `""` for library frames outside the repository.
    pub needle: &'static str,
    pub in_app: bool,
}

const fn app(path: &'static str, function: &'static str, needle: &'static str) -> FrameSpec {
    FrameSpec { path, function, needle, in_app: true }
}

const RAILS_FRAME: FrameSpec = FrameSpec {
    path: "gems/actionpack-7.1.3/lib/action_controller/metal/basic_implicit_render.rb",
    function: "send_action",
    needle: "",
    in_app: false,
};

#[derive(Debug, Clone)]
pub struct IssueSpec {
    pub exception: &'static str,
    pub value: &'static str,
    pub culprit: &'static str,
    pub frames: Vec<FrameSpec>,
    /// The issue fires while the live commit has this text in this file.
    pub trigger: (&'static str, &'static str),
    /// After the release goes live, at speed 1.
    pub delay: Duration,
    /// Events per second at speed 1, and how many arrive at once at first.
    pub per_sec: f64,
    pub burst: u64,
    /// How long it fires before stopping on its own (at speed 1); None: until the code changes.
    pub lasts: Option<Duration>,
}

/// Router errors the live code causes on some pages (the app-timeouts drill): Sentry never
/// hears of them, only Heroku's router does.
#[derive(Debug, Clone, Copy)]
pub struct RouterTrouble {
    /// Requests whose path starts with this fail.
    pub path: &'static str,
    pub code: &'static str,
    pub desc: &'static str,
    /// The trouble is live while the live commit has this text in this file.
    pub trigger: (&'static str, &'static str),
}

/// Someone (or an alert) speaking in a Slack channel once the drill's trouble starts.
#[derive(Debug, Clone, Copy)]
pub struct Chatter {
    /// `dev-questions` or `sentry-integration`.
    pub channel: &'static str,
    /// After the release goes live, at speed 1.
    pub delay: Duration,
    /// A person's login, or None for the Sentry alert bot.
    pub person: Option<&'static str>,
    pub text: &'static str,
}

#[derive(Debug, Clone)]
pub struct Drill {
    pub scenario: Scenario,
    /// The migration version whose statement fails in the release phase.
    pub failing_migration: Option<&'static str>,
    pub flaky: bool,
    pub slow_stream: bool,
    pub new_issue: Option<IssueSpec>,
    pub router_trouble: Option<RouterTrouble>,
    /// What Slack hears once the trouble (the new issue or the router's) starts.
    pub chatter: Vec<Chatter>,
}

impl Drill {
    pub fn new(scenario: Scenario) -> Drill {
        Drill {
            scenario,
            failing_migration: (scenario == Scenario::ReleaseFails).then_some("20250101000002"),
            flaky: scenario == Scenario::FlakyApi,
            slow_stream: scenario == Scenario::SlowStream,
            new_issue: new_issue(scenario),
            router_trouble: (scenario == Scenario::AppTimeouts).then_some(RouterTrouble {
                path: "/forums",
                code: "H12",
                desc: "Request timeout",
                trigger: ("app/controllers/forums_controller.rb", "topic.replies.count"),
            }),
            chatter: chatter(scenario),
        }
    }
}

fn chatter(scenario: Scenario) -> Vec<Chatter> {
    let say = |channel, secs, person, text| Chatter { channel, delay: Duration::from_secs(secs), person, text };
    match scenario {
        Scenario::ErrorSpike
        | Scenario::RevertConflict
        | Scenario::TwoPrs
        | Scenario::Experiment
        | Scenario::DataIssue => vec![
            say("sentry-integration", 6, None, "New issue in storefront: an error is firing in production"),
            say("dev-questions", 9, Some("erin"), "Getting an error page on orders, is something deploying?"),
        ],
        Scenario::AppTimeouts => {
            vec![say("dev-questions", 8, Some("grace"), "The forum pages just spin for me, anyone else?")]
        }
        Scenario::Transient => vec![
            say("sentry-integration", 6, None, "New issue in storefront: Redis::TimeoutError"),
            say("dev-questions", 20, Some("frank"), "Saw a Redis timeout on /products a moment ago, fine now"),
        ],
        _ => Vec::new(),
    }
}

fn spike(
    exception: &'static str,
    value: &'static str,
    culprit: &'static str,
    frames: Vec<FrameSpec>,
    trigger: (&'static str, &'static str),
) -> IssueSpec {
    IssueSpec {
        exception,
        value,
        culprit,
        frames,
        trigger,
        delay: Duration::from_secs(5),
        per_sec: 2.0,
        burst: 8,
        lasts: None,
    }
}

fn new_issue(scenario: Scenario) -> Option<IssueSpec> {
    const CALC: &str = "app/services/loyalty/points_calculator.rb";
    match scenario {
        Scenario::ErrorSpike | Scenario::RevertConflict | Scenario::TwoPrs => Some(spike(
            "NoMethodError",
            "undefined method 'multiplier' for nil",
            "OrdersController#create",
            vec![
                RAILS_FRAME,
                app("app/controllers/orders_controller.rb", "create", "current_user.orders.create!(order_params)"),
                app("app/models/order.rb", "award_loyalty_points", "Loyalty::PointsCalculator.new(self).points"),
                app(CALC, "points", "base * multiplier"),
                app(CALC, "multiplier", "@order.user.loyalty_tier.multiplier"),
            ],
            (CALC, "@order.user.loyalty_tier.multiplier"),
        )),
        Scenario::Experiment => Some(spike(
            "KeyError",
            "key not found: \"buy-now\"",
            "CheckoutController#show",
            vec![
                RAILS_FRAME,
                app(
                    "app/controllers/checkout_controller.rb",
                    "show",
                    "CheckoutButtonExperiment.new(current_user).label",
                ),
                app("app/experiments/checkout_button_experiment.rb", "label", "VARIANTS.fetch(variant)"),
            ],
            ("app/experiments/checkout_button_experiment.rb", "VARIANTS.fetch(variant)"),
        )),
        Scenario::DataIssue => Some(spike(
            "NoMethodError",
            "undefined method 'split' for nil",
            "OrdersController#index",
            vec![
                RAILS_FRAME,
                app("app/controllers/orders_controller.rb", "block in index", "order.user.display_name"),
                app("app/models/user.rb", "display_name", "email.split(\"@\").first"),
            ],
            // The backfill surfaces legacy orders whose users have no email.
            ("db/data/20250101000003_backfill_order_totals.rb", "find_each"),
        )),
        // A cold cache on the new release times out for a few seconds, then warms up.
        Scenario::Transient => Some(IssueSpec {
            exception: "Redis::TimeoutError",
            value: "Connection timed out",
            culprit: "ProductsController#index",
            frames: vec![
                RAILS_FRAME,
                app("app/controllers/products_controller.rb", "index", "Rails.cache.fetch(\"products/index\""),
            ],
            trigger: ("app/controllers/products_controller.rb", "Rails.cache.fetch"),
            delay: Duration::from_secs(5),
            per_sec: 0.3,
            burst: 5,
            lasts: Some(Duration::from_secs(10)),
        }),
        _ => None,
    }
}

/// Errors production has been living with: the baseline any new release is compared to.
pub fn background_issues() -> Vec<(IssueSpec, usize)> {
    let old = |exception, value, culprit, frames, per_sec| IssueSpec {
        exception,
        value,
        culprit,
        frames,
        trigger: ("", ""),
        delay: Duration::ZERO,
        per_sec,
        burst: 0,
        lasts: None,
    };
    vec![
        (
            old(
                "ActiveRecord::RecordNotFound",
                "Couldn't find Order with 'id'=0",
                "OrdersController#show",
                vec![
                    RAILS_FRAME,
                    app("app/controllers/orders_controller.rb", "show", "current_user.orders.find(params[:id])"),
                ],
                1.0 / 90.0,
            ),
            0,
        ),
        (
            old(
                "Net::ReadTimeout",
                "Net::ReadTimeout with #<TCPSocket:(closed)>",
                "CheckoutController#create",
                vec![
                    RAILS_FRAME,
                    app(
                        "app/controllers/checkout_controller.rb",
                        "create",
                        "CheckoutService.new(current_user.cart).call",
                    ),
                ],
                1.0 / 240.0,
            ),
            2,
        ),
        (
            old(
                "ActionController::InvalidAuthenticityToken",
                "Can't verify CSRF token authenticity.",
                "CheckoutController#create",
                vec![
                    RAILS_FRAME,
                    app(
                        "app/controllers/application_controller.rb",
                        "authenticate_user!",
                        "before_action :authenticate_user!",
                    ),
                ],
                1.0 / 600.0,
            ),
            4,
        ),
    ]
}

/// Places frames on the lines of `sha` where their text is, with three lines of context.
pub fn resolve_frames(repo: &Repository, sha: Oid, specs: &[FrameSpec]) -> Vec<Frame> {
    specs
        .iter()
        .map(|spec| {
            let text = if spec.in_app { crate::sandbox::scratch::tree::read_file(repo, sha, spec.path) } else { None };
            let lines: Vec<&str> = text.as_deref().map(|t| t.lines().collect()).unwrap_or_default();
            let index = lines.iter().position(|l| !spec.needle.is_empty() && l.contains(spec.needle));
            let line_no = index.map(|i| i as u32 + 1).unwrap_or(6);
            let context = match index {
                Some(i) => (i.saturating_sub(3)..(i + 4).min(lines.len()))
                    .map(|j| (j as u32 + 1, lines[j].to_string()))
                    .collect(),
                None => Vec::new(),
            };
            Frame {
                path: spec.path.to_string(),
                function: spec.function.to_string(),
                line_no,
                context,
                in_app: spec.in_app,
            }
        })
        .collect()
}

/// True when the commit's file holds the trigger text: the bug is in the code that is live.
pub fn triggered(repo: &Repository, sha: Oid, trigger: (&str, &str)) -> bool {
    crate::sandbox::scratch::tree::read_file(repo, sha, trigger.0).is_some_and(|t| t.contains(trigger.1))
}
