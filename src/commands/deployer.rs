//! Who is deploying, as the team will read it in Slack, in the GitHub deployment and in the
//! build's description: `BPDEPLOY_USER`, else the login name (`USER`, `LOGNAME`), else git's
//! `user.name` (or `user.email`), else the email of the Heroku account the token belongs to.
//! Only when all of those are missing does it say "someone".
use crate::api::heroku::Heroku;
use crate::context::Context;

/// What this machine says about the person, without asking any service.
pub(crate) fn local(ctx: &Context) -> Option<String> {
    let env = |k: &str| ctx.env.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    env("BPDEPLOY_USER").or_else(|| env("USER")).or_else(|| env("LOGNAME")).or_else(|| {
        let root = ctx.config().ok().map(|c| c.root).unwrap_or_else(|| ctx.env.cwd.clone());
        crate::git::committer(&root)
    })
}

/// [`local`], else the Heroku account's email (one read, only when needed).
pub(crate) async fn who(ctx: &Context, heroku: &Heroku) -> String {
    if let Some(name) = local(ctx) {
        return name;
    }
    match heroku.account().await {
        Ok(account) => account.email,
        Err(e) => {
            tracing::info!("the Heroku account could not be read to name the deployer: {e}");
            "someone".into()
        }
    }
}
