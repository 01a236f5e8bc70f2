//! The local fake of Heroku, GitHub, Sentry and Slack, its scenarios and its scratch repository.
