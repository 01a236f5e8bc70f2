//! Data migrations (data_migrate's `db/data`): they run in the release phase like schema
//! migrations but touch rows, so the dangers are different: no way back, whole-table loops,
//! and side effects outside the database.

use super::advice::Hazard;
use super::rails::{is_model_constant, BATCHED_OR_BOUNDED, ITERATORS};
use super::reversibility::{Reversibility, Rollback};
use super::syntax::{chain, constant_path};
use super::walk::Operation;
use super::{Findings, Risk};
use tree_sitter::Node;

/// Constants (and their namespaces) of HTTP clients and SaaS SDKs.
const EXTERNAL_SERVICE_ROOTS: &[&str] = &[
    "Net::HTTP",
    "Net::SMTP",
    "Net::FTP",
    "HTTParty",
    "Faraday",
    "RestClient",
    "Excon",
    "Typhoeus",
    "HTTP",
    "HTTPX",
    "Stripe",
    "Twilio",
    "Aws",
    "Google",
    "Octokit",
    "Slack",
    "Gibbon",
    "SendGrid",
    "Postmark",
    "Mailgun",
    "Intercom",
    "Analytics",
    "Braintree",
    "PayPal",
    "ShopifyAPI",
    "Algolia",
    "Elasticsearch",
    "Pusher",
    "OpenAI",
];

/// Mail deliveries and job enqueues: side effects that a retried migration repeats.
const DELIVERY_METHODS: &[&str] = &[
    "deliver_now",
    "deliver_now!",
    "deliver_later",
    "deliver_later!",
    "deliver",
    "deliver!",
    "perform_now",
    "perform_later",
    "perform_async",
    "perform_in",
    "perform_at",
    "perform_bulk",
];

pub(super) fn lint(operations: &[Operation], reversibility: &Reversibility, source: &str) -> Vec<Risk> {
    let mut findings = Findings::new(source);
    match &reversibility.rollback {
        Rollback::NoDown(up) => findings.report(Hazard::DataNoDown, *up),
        Rollback::DownRaises(raise) => findings.report(Hazard::DataIrreversible, *raise),
        Rollback::DownEmpty(down) => findings.report(Hazard::DataEmptyDown, *down),
        Rollback::Unrecordable(nodes) => nodes.iter().for_each(|n| findings.report(Hazard::DataIrreversible, *n)),
        Rollback::Recorded | Rollback::Written | Rollback::Unknown => {}
    }
    // Calls nested in an already reported statement (its chain, its block) are the same finding.
    let (mut loop_until, mut external_until) = (0, 0);
    for op in operations.iter().filter(|op| !op.context.safety_assured) {
        if let Some(loop_node) = unbatched_loop(op, source).filter(|n| n.start_byte() >= loop_until) {
            findings.report(Hazard::DataUnbatchedLoop, loop_node);
            loop_until = loop_node.end_byte();
        }
        let node = op.call.node;
        if node.start_byte() >= external_until && is_external_call(op, source) {
            findings.report(Hazard::DataExternalCall, node);
            external_until = node.end_byte();
        }
    }
    findings.risks
}

/// The loop statement when `op` iterates a whole model relation in one query:
/// `User.all.each { }`, `User.where(…).map(&:id)`, `for user in User.all`.
fn unbatched_loop<'t>(op: &Operation<'t>, source: &str) -> Option<Node<'t>> {
    let node = op.call.node;
    let (root, methods) = chain(op.call, source);
    let iterates = ITERATORS.contains(&op.name.as_str())
        && op.call.receiver().is_some()
        && (op.call.block().is_some() || op.args.block_argument);
    let (relation, loop_node) = if iterates {
        // The receiver's part of the chain: `chain` lists the loop's own method first.
        (methods.get(1..).unwrap_or_default(), node)
    } else {
        let for_loop = node.parent().filter(|p| p.kind() == "in").and_then(|p| p.parent())?;
        (&methods[..], for_loop)
    };
    let whole_table = constant_path(root, source).is_some_and(|path| is_model_constant(&path) && !is_external(&path))
        && !relation.iter().any(|m| BATCHED_OR_BOUNDED.contains(m));
    whole_table.then_some(loop_node)
}

fn is_external_call(op: &Operation, source: &str) -> bool {
    if DELIVERY_METHODS.contains(&op.name.as_str()) && op.call.receiver().is_some() {
        return true;
    }
    let (root, methods) = chain(op.call, source);
    match constant_path(root, source) {
        Some(path) => is_external(&path) || (path == "URI" && methods.contains(&"open")),
        None => false,
    }
}

/// An HTTP client or SDK namespace, or any `…Client` class (`GithubClient.new`).
fn is_external(path: &str) -> bool {
    let in_namespace =
        |root: &&str| path == *root || path.strip_prefix(*root).is_some_and(|rest| rest.starts_with("::"));
    EXTERNAL_SERVICE_ROOTS.iter().any(in_namespace)
        || path.rsplit("::").next().is_some_and(|last| last.ends_with("Client"))
}
