//! The migration linter against strong_migrations' PostgreSQL judgement (the corpus) and the
//! app facts it reads (db/schema.rb, the Rails config).
mod app_facts;
mod corpus;
mod corpus_cases;
