//! The SQLite and PostgreSQL migrations build the same schema. Each test migrates a fresh database
//! of each kind with the server's own code (`Database::connect`), reads back what the database
//! holds — tables, views, columns (type family, nullability, default, generated ids), primary
//! keys, foreign keys, unique constraints, indexes, CHECK constraints and triggers — and compares
//! the two. Any difference not in [`INTENDED`] fails the test, listed one per line.
//!
//! Types compare by family (integer, text, real, boolean, blob); CHECKs and partial-index
//! predicates by the columns and literals they name (not their operators); defaults once casts
//! and parentheses are stripped; triggers by table and event (their names and bodies differ by
//! dialect). PostgreSQL reads `information_schema` and `pg_catalog`; SQLite `sqlite_master` and
//! the `pragma_*` table functions.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::support;
use crate::support::{Backend, ScratchDatabase};
use server::db::Database;
use sqlx::{AnyPool, Row};

/// A difference the two migration folders make on purpose: `fact` (as the failure message names
/// it) reads `sqlite` on SQLite and `postgres` on PostgreSQL (`None`: the fact is absent there).
struct Intended {
    fact: &'static str,
    sqlite: Option<&'static str>,
    postgres: Option<&'static str>,
}

/// The differences the migrations make on purpose. Every entry must still match a difference (a
/// stale entry fails the test too), so this list is exactly the drift there is.
const INTENDED: &[Intended] = &[
    // A `TEXT PRIMARY KEY` column takes NULL on SQLite (an old SQLite quirk kept for
    // compatibility: only an INTEGER PRIMARY KEY, the rowid, is implied NOT NULL) but never on
    // PostgreSQL. The server never writes NULL there; declaring `NOT NULL` on SQLite would mean
    // rebuilding each table (SQLite cannot alter a column), so the quirk stays, listed here.
    Intended {
        fact: "column invitations.token_hash",
        sqlite: Some("text NULL, default none"),
        postgres: Some("text NOT NULL, default none"),
    },
    Intended {
        fact: "column scheduler_runs.day",
        sqlite: Some("text NULL, default none"),
        postgres: Some("text NOT NULL, default none"),
    },
    Intended {
        fact: "column sessions.token_hash",
        sqlite: Some("text NULL, default none"),
        postgres: Some("text NOT NULL, default none"),
    },
];

/// What one database's schema says: each fact (`column users.email`, `index users_company`…)
/// with its value; facts without a name of their own (CHECKs, triggers) are counted.
#[derive(Debug, Default)]
struct Schema {
    facts: BTreeMap<String, Vec<String>>,
}

impl Schema {
    fn add(&mut self, fact: String, value: String) {
        self.facts.entry(fact).or_default().push(value);
    }

    /// The value of `fact` (empty for a fact that is only present), `None` when absent.
    fn get(&self, fact: &str) -> Option<String> {
        let mut values = self.facts.get(fact)?.clone();
        values.sort();
        Some(match values.as_slice() {
            [one] => one.clone(),
            many if many.iter().all(String::is_empty) => format!("{} times", many.len()),
            many => many.join(" | "),
        })
    }

    fn count(&self, kind: &str) -> usize {
        self.facts
            .keys()
            .filter(|fact| fact.starts_with(kind))
            .count()
    }
}

/// One difference between the two schemas.
#[derive(Debug, Clone, PartialEq)]
struct Difference {
    fact: String,
    sqlite: Option<String>,
    postgres: Option<String>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |value: &Option<String>| match value {
            Some(value) if value.is_empty() => "present".to_owned(),
            Some(value) => format!("`{value}`"),
            None => "absent".to_owned(),
        };
        write!(
            f,
            "{}: SQLite {}, PostgreSQL {}",
            self.fact,
            show(&self.sqlite),
            show(&self.postgres)
        )
    }
}

fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<Difference> {
    let facts: BTreeSet<&String> = sqlite.facts.keys().chain(postgres.facts.keys()).collect();
    facts
        .into_iter()
        .filter_map(|fact| {
            let (left, right) = (sqlite.get(fact), postgres.get(fact));
            (left != right).then(|| Difference {
                fact: fact.clone(),
                sqlite: left,
                postgres: right,
            })
        })
        .collect()
}

/// The differences not in `intended`, and the entries of `intended` that matched none.
fn unexpected<'a>(
    found: &[Difference],
    intended: &'a [Intended],
) -> (Vec<Difference>, Vec<&'a Intended>) {
    let matches = |difference: &Difference, entry: &Intended| {
        difference.fact == entry.fact
            && difference.sqlite.as_deref() == entry.sqlite
            && difference.postgres.as_deref() == entry.postgres
    };
    let surprises = found
        .iter()
        .filter(|difference| !intended.iter().any(|entry| matches(difference, entry)))
        .cloned()
        .collect();
    let stale = intended
        .iter()
        .filter(|entry| !found.iter().any(|difference| matches(difference, entry)))
        .collect();
    (surprises, stale)
}

// ---- Reading SQL text: CHECK expressions, partial-index predicates, triggers ----

/// `sql` without its `--` comments, string literals kept whole.
fn without_comments(sql: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut chars = sql.chars().peekable();
    while let Some(character) = chars.next() {
        if in_string {
            in_string = character != '\'';
            out.push(character);
        } else if character == '\'' {
            in_string = true;
            out.push(character);
        } else if character == '-' && chars.peek() == Some(&'-') {
            for skipped in chars.by_ref() {
                if skipped == '\n' {
                    out.push('\n');
                    break;
                }
            }
        } else {
            out.push(character);
        }
    }
    out
}

/// The text inside the parentheses that open at the start of `text` (which must be `(`).
fn parenthesised(text: &str) -> &str {
    let mut depth = 0;
    let mut in_string = false;
    for (index, character) in text.char_indices() {
        match character {
            '\'' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return &text[1..index];
                }
            }
            _ => {}
        }
    }
    &text[1..]
}

/// The bodies of the `CHECK (…)` clauses of a `CREATE TABLE` statement.
fn check_clauses(create_table: &str) -> Vec<String> {
    let sql = without_comments(create_table);
    let upper = sql.to_uppercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CHECK") {
        let start = from + at;
        from = start + "CHECK".len();
        let before = upper[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = sql[from..].trim_start();
        if rest.starts_with('(') {
            found.push(parenthesised(rest).to_owned());
        }
    }
    found
}

/// What an SQL expression is about, the same whatever the dialect writes around it: the columns
/// of `columns` it names and its literals (strings quoted, numbers bare), each set sorted.
fn expression_summary(expression: &str, columns: &BTreeSet<String>) -> String {
    let mut names = BTreeSet::new();
    let mut literals = BTreeSet::new();
    let mut chars = expression.char_indices().peekable();
    let mut word = String::new();
    let flush =
        |word: &mut String, names: &mut BTreeSet<String>, literals: &mut BTreeSet<String>| {
            if word.is_empty() {
                return;
            }
            if word.chars().all(|c| c.is_ascii_digit() || c == '.') {
                literals.insert(word.clone());
            } else if columns.contains(&word.to_lowercase()) {
                names.insert(word.to_lowercase());
            }
            word.clear();
        };
    let mut after_cast = false;
    while let Some((_, character)) = chars.next() {
        if character == '\'' {
            flush(&mut word, &mut names, &mut literals);
            let mut literal = String::new();
            while let Some((_, inner)) = chars.next() {
                if inner == '\'' {
                    if chars.peek().map(|(_, c)| *c) == Some('\'') {
                        chars.next();
                        literal.push('\'');
                        continue;
                    }
                    break;
                }
                literal.push(inner);
            }
            literals.insert(format!("'{literal}'"));
        } else if character.is_alphanumeric() || character == '_' || character == '.' {
            word.push(character);
        } else {
            // A PostgreSQL cast (`::text`) names a type, not a column.
            if after_cast {
                word.clear();
            } else {
                flush(&mut word, &mut names, &mut literals);
            }
            after_cast = character == ':' && chars.peek().map(|(_, c)| *c) == Some(':');
            if after_cast {
                chars.next();
            }
            continue;
        }
        after_cast = after_cast && (character.is_alphanumeric() || character == '_');
    }
    flush(&mut word, &mut names, &mut literals);
    format!(
        "({}) [{}]",
        names.into_iter().collect::<Vec<_>>().join(", "),
        literals.into_iter().collect::<Vec<_>>().join(", ")
    )
}

/// `BEFORE UPDATE`, `AFTER INSERT`…: when a SQLite `CREATE TRIGGER` fires.
fn sqlite_trigger_event(create_trigger: &str) -> String {
    let sql = without_comments(create_trigger).to_uppercase();
    let words: Vec<&str> = sql.split_whitespace().collect();
    let mut timing = "BEFORE";
    let mut event = "?";
    for (index, word) in words.iter().enumerate() {
        match *word {
            "BEFORE" | "AFTER" => timing = word,
            "INSTEAD" => timing = "INSTEAD OF",
            "INSERT" | "UPDATE" | "DELETE" => {
                event = word;
                break;
            }
            _ if index > 0 && words[index - 1] == "ON" => break,
            _ => {}
        }
    }
    format!("{timing} {event}")
}

/// A default value as both dialects write it: no casts, no parentheses around it.
fn normalised_default(default: Option<String>) -> String {
    let Some(mut text) = default else {
        return "none".into();
    };
    loop {
        let trimmed = text.trim();
        if trimmed.starts_with('(') && parenthesised(trimmed).len() == trimmed.len() - 2 {
            text = trimmed[1..trimmed.len() - 1].to_owned();
            continue;
        }
        // `'x'::text`, `0::bigint`, `'a'::character varying`.
        if let Some((value, _)) = trimmed.rsplit_once("::")
            && (value.ends_with('\'') || value.chars().all(|c| c.is_ascii_digit() || c == '-'))
        {
            text = value.to_owned();
            continue;
        }
        return trimmed.to_owned();
    }
}

/// The type family of a SQLite declared type (its affinity, with booleans apart).
fn sqlite_family(declared: &str) -> String {
    let declared = declared.to_uppercase();
    if declared.starts_with("BOOL") {
        "boolean".into()
    } else if declared.contains("INT") {
        "integer".into()
    } else if ["CHAR", "CLOB", "TEXT"]
        .iter()
        .any(|part| declared.contains(part))
    {
        "text".into()
    } else if declared.is_empty() || declared.contains("BLOB") {
        "blob".into()
    } else if ["REAL", "FLOA", "DOUB"]
        .iter()
        .any(|part| declared.contains(part))
    {
        "real".into()
    } else {
        format!("numeric ({declared})")
    }
}

/// The type family of a PostgreSQL `information_schema.columns.data_type`. SQLite's integers are
/// 64-bit and the server reads every integer as `i64`, so only `bigint` is an `integer` here.
fn postgres_family(data_type: &str) -> String {
    match data_type {
        "bigint" => "integer".into(),
        "integer" | "smallint" => format!("integer (32-bit or less: {data_type})"),
        "text" | "character varying" | "character" => "text".into(),
        "real" | "double precision" => "real".into(),
        "boolean" => "boolean".into(),
        "bytea" => "blob".into(),
        other => format!("numeric ({other})"),
    }
}

fn foreign_key_action(action: &str) -> &str {
    match action {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        other => other,
    }
}

fn column(family: &str, nullable: bool, default: Option<String>, generated: bool) -> String {
    format!(
        "{family} {}, default {}{}",
        if nullable { "NULL" } else { "NOT NULL" },
        normalised_default(default),
        if generated { ", generated" } else { "" }
    )
}

// ---- Reading each database ----

async fn strings(pool: &AnyPool, sql: &'static str, bind: Option<&str>) -> Vec<sqlx::any::AnyRow> {
    let mut query = sqlx::query(sql);
    if let Some(value) = bind {
        query = query.bind(value.to_owned());
    }
    query
        .fetch_all(pool)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
}

async fn sqlite_schema(pool: &AnyPool) -> Schema {
    let mut schema = Schema::default();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut primary_keys = BTreeMap::new();
    let mut columns_of = BTreeMap::new();
    for (table, sql) in &tables {
        schema.add(format!("table {table}"), String::new());
        let columns = strings(
            pool,
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid",
            Some(table),
        )
        .await;
        let mut key: Vec<(i64, String)> = Vec::new();
        let mut names = BTreeSet::new();
        for row in &columns {
            let name: String = row.get(0);
            let pk: i64 = row.get(4);
            names.insert(name.to_lowercase());
            if pk > 0 {
                key.push((pk, name));
            }
        }
        key.sort();
        let key: Vec<String> = key.into_iter().map(|(_, name)| name).collect();
        let autoincrement = sql.to_uppercase().contains("AUTOINCREMENT");
        for row in &columns {
            let name: String = row.get(0);
            let declared: String = row.get(1);
            let not_null: i64 = row.get(2);
            let default: Option<String> = row.get(3);
            // A lone INTEGER PRIMARY KEY is the rowid: never NULL, whatever `notnull` says.
            let rowid = key == [name.clone()] && declared.eq_ignore_ascii_case("INTEGER");
            schema.add(
                format!("column {table}.{name}"),
                column(
                    &sqlite_family(&declared),
                    not_null == 0 && !rowid,
                    default,
                    rowid && autoincrement,
                ),
            );
        }
        if !key.is_empty() {
            schema.add(
                format!("primary key {table}"),
                format!("({})", key.join(", ")),
            );
        }
        for check in check_clauses(sql) {
            schema.add(
                format!("check {table} {}", expression_summary(&check, &names)),
                String::new(),
            );
        }
        primary_keys.insert(table.clone(), key);
        columns_of.insert(table.clone(), names);
    }
    for (table, _) in &tables {
        let keys = strings(
            pool,
            "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete
             FROM pragma_foreign_key_list($1) ORDER BY id, seq",
            Some(table),
        )
        .await;
        // One foreign key per `id`, one row per column.
        let mut grouped: BTreeMap<i64, Vec<&sqlx::any::AnyRow>> = BTreeMap::new();
        for row in &keys {
            grouped.entry(row.get(0)).or_default().push(row);
        }
        for rows in grouped.values() {
            let target: String = rows[0].get(1);
            let on_update: String = rows[0].get(4);
            let on_delete: String = rows[0].get(5);
            let from: Vec<String> = rows.iter().map(|row| row.get(2)).collect();
            let to: Vec<Option<String>> = rows.iter().map(|row| row.get(3)).collect();
            // `REFERENCES t` without columns means t's primary key.
            let to: Vec<String> = if to.iter().all(Option::is_none) {
                primary_keys.get(&target).cloned().unwrap_or_default()
            } else {
                to.into_iter().map(Option::unwrap_or_default).collect()
            };
            schema.add(
                format!("foreign key {table} ({})", from.join(", ")),
                format!(
                    "-> {target} ({}) on delete {on_delete}, on update {on_update}",
                    to.join(", ")
                ),
            );
        }
        let indexes = strings(
            pool,
            "SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)",
            Some(table),
        )
        .await;
        for row in &indexes {
            let name: String = row.get(0);
            let unique: i64 = row.get(1);
            let origin: String = row.get(2);
            let partial: i64 = row.get(3);
            let columns: Vec<String> = strings(
                pool,
                "SELECT name FROM pragma_index_info($1) ORDER BY seqno",
                Some(&name),
            )
            .await
            .iter()
            .map(|row| {
                row.get::<Option<String>, _>(0)
                    .unwrap_or_else(|| "<expression>".into())
            })
            .collect();
            match origin.as_str() {
                "pk" => {}
                "u" => schema.add(
                    format!("unique {table} ({})", columns.join(", ")),
                    String::new(),
                ),
                _ => {
                    let predicate = if partial == 1 {
                        let sql: String = sqlx::query_scalar(
                            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1",
                        )
                        .bind(&name)
                        .fetch_one(pool)
                        .await
                        .unwrap();
                        let sql = without_comments(&sql);
                        let at = sql.to_uppercase().rfind(" WHERE ").expect("a WHERE");
                        Some(sql[at + " WHERE ".len()..].trim().to_owned())
                    } else {
                        None
                    };
                    schema.add(
                        format!("index {name}"),
                        index(table, &columns, unique == 1, predicate, &columns_of[table]),
                    );
                }
            }
        }
    }
    let triggers: Vec<(String, String)> = sqlx::query_as(
        "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, sql) in triggers {
        // SQLite has only row triggers.
        schema.add(
            format!(
                "trigger on {table} {} FOR EACH ROW",
                sqlite_trigger_event(&sql)
            ),
            String::new(),
        );
    }
    let views: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")
            .fetch_all(pool)
            .await
            .unwrap();
    for view in views {
        schema.add(format!("view {view}"), String::new());
    }
    schema
}

fn index(
    table: &str,
    columns: &[String],
    unique: bool,
    predicate: Option<String>,
    table_columns: &BTreeSet<String>,
) -> String {
    format!(
        "{}on {table} ({}){}",
        if unique { "unique " } else { "" },
        columns.join(", "),
        match predicate {
            Some(predicate) => format!(" where {}", expression_summary(&predicate, table_columns)),
            None => String::new(),
        }
    )
}

async fn postgres_schema(pool: &AnyPool) -> Schema {
    let mut schema = Schema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
           AND table_name <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for table in &tables {
        schema.add(format!("table {table}"), String::new());
    }
    let mut columns_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let columns = strings(
        pool,
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text,
                column_default::text, is_identity::text
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'
           AND table_name IN (SELECT table_name FROM information_schema.tables
                              WHERE table_schema = 'public' AND table_type = 'BASE TABLE')
         ORDER BY table_name, ordinal_position",
        None,
    )
    .await;
    for row in &columns {
        let table: String = row.get(0);
        let name: String = row.get(1);
        let data_type: String = row.get(2);
        let nullable: String = row.get(3);
        let default: Option<String> = row.get(4);
        let identity: String = row.get(5);
        let serial = default
            .as_deref()
            .is_some_and(|default| default.starts_with("nextval("));
        columns_of
            .entry(table.clone())
            .or_default()
            .insert(name.to_lowercase());
        schema.add(
            format!("column {table}.{name}"),
            column(
                &postgres_family(&data_type),
                nullable == "YES",
                if serial { None } else { default },
                identity == "YES" || serial,
            ),
        );
    }
    let constraints = strings(
        pool,
        "SELECT c.conrelid::regclass::text, c.contype::text,
                (SELECT string_agg(a.attname::text, ', ' ORDER BY k.n)
                   FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
                CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text END,
                (SELECT string_agg(a.attname::text, ', ' ORDER BY k.n)
                   FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum),
                c.confdeltype::text, c.confupdtype::text, pg_get_constraintdef(c.oid)
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
         WHERE n.nspname = 'public' AND c.conrelid <> 0 AND c.contype IN ('p', 'u', 'f', 'c')
           AND c.conrelid <> '_sqlx_migrations'::regclass
         ORDER BY 1, 2, 3",
        None,
    )
    .await;
    for row in &constraints {
        let table: String = row.get(0);
        let kind: String = row.get(1);
        let columns: Option<String> = row.get(2);
        let columns = columns.unwrap_or_default();
        match kind.as_str() {
            "p" => schema.add(format!("primary key {table}"), format!("({columns})")),
            "u" => schema.add(format!("unique {table} ({columns})"), String::new()),
            "f" => {
                let target: String = row.get(3);
                let target_columns: Option<String> = row.get(4);
                let on_delete: String = row.get(5);
                let on_update: String = row.get(6);
                schema.add(
                    format!("foreign key {table} ({columns})"),
                    format!(
                        "-> {target} ({}) on delete {}, on update {}",
                        target_columns.unwrap_or_default(),
                        foreign_key_action(&on_delete),
                        foreign_key_action(&on_update)
                    ),
                );
            }
            _ => {
                let definition: String = row.get(7);
                let body = definition.trim_start_matches("CHECK").trim();
                let body = if body.starts_with('(') {
                    parenthesised(body)
                } else {
                    body
                };
                let names = columns_of.get(&table).cloned().unwrap_or_default();
                schema.add(
                    format!("check {table} {}", expression_summary(body, &names)),
                    String::new(),
                );
            }
        }
    }
    let indexes = strings(
        pool,
        "SELECT t.relname::text, i.relname::text, x.indisunique::text,
                (SELECT string_agg(COALESCE(a.attname::text, '<expression>'), ', ' ORDER BY k.n)
                   FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                   LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum),
                pg_get_expr(x.indpred, x.indrelid)
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                           WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
         ORDER BY 2",
        None,
    )
    .await;
    for row in &indexes {
        let table: String = row.get(0);
        let name: String = row.get(1);
        let unique: String = row.get(2);
        let columns: Option<String> = row.get(3);
        let predicate: Option<String> = row.get(4);
        let columns: Vec<String> = columns
            .unwrap_or_default()
            .split(", ")
            .map(str::to_owned)
            .collect();
        let table_columns = columns_of.get(&table).cloned().unwrap_or_default();
        schema.add(
            format!("index {name}"),
            index(
                &table,
                &columns,
                unique == "true",
                predicate,
                &table_columns,
            ),
        );
    }
    let triggers = strings(
        pool,
        "SELECT event_object_table::text, action_timing::text, event_manipulation::text,
                action_orientation::text
         FROM information_schema.triggers WHERE trigger_schema = 'public' ORDER BY trigger_name",
        None,
    )
    .await;
    for row in &triggers {
        let table: String = row.get(0);
        let timing: String = row.get(1);
        let event: String = row.get(2);
        let orientation: String = row.get(3);
        schema.add(
            format!("trigger on {table} {timing} {event} FOR EACH {orientation}"),
            String::new(),
        );
    }
    let views: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.views WHERE table_schema = 'public'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for view in views {
        schema.add(format!("view {view}"), String::new());
    }
    schema
}

async fn migrated(backend: Backend) -> (ScratchDatabase, Database) {
    let scratch = ScratchDatabase::create(backend).await;
    let db = Database::connect(&scratch.url)
        .await
        .unwrap_or_else(|error| panic!("migrating a fresh {} database: {error}", backend.name()));
    (scratch, db)
}

/// The facts both readers must find: proof that neither read an empty or partial schema.
fn assert_read_whole(schema: &Schema, backend: Backend) {
    for (kind, at_least) in [
        ("table ", 20),
        ("column ", 100),
        ("primary key ", 20),
        ("foreign key ", 20),
        ("unique ", 1),
        ("index ", 5),
        ("check ", 10),
        ("trigger ", 1),
    ] {
        assert!(
            schema.count(kind) >= at_least,
            "only {} `{kind}` facts read on {}:\n{:#?}",
            schema.count(kind),
            backend.name(),
            schema.facts
        );
    }
    assert_eq!(
        schema.get("column users.email").as_deref(),
        Some("text NOT NULL, default none"),
        "on {}",
        backend.name()
    );
    assert_eq!(
        schema.get("unique users (email)").as_deref(),
        Some(""),
        "on {}",
        backend.name()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_migrations_build_the_same_schema() {
    if !support::postgres_reachable().await {
        return;
    }
    let (_sqlite_scratch, sqlite_db) = migrated(Backend::Sqlite).await;
    let (_postgres_scratch, postgres_db) = migrated(Backend::Postgres).await;
    let sqlite = sqlite_schema(&sqlite_db.pool).await;
    let postgres = postgres_schema(&postgres_db.pool).await;
    sqlite_db.pool.close().await;
    postgres_db.pool.close().await;
    assert_read_whole(&sqlite, Backend::Sqlite);
    assert_read_whole(&postgres, Backend::Postgres);

    let found = differences(&sqlite, &postgres);
    let (surprises, stale) = unexpected(&found, INTENDED);
    let mut message = String::new();
    if !surprises.is_empty() {
        let _ = writeln!(
            message,
            "{} difference(s) between server/migrations/sqlite and server/migrations/postgres \
             (fix the migrations, or list an intended one in INTENDED in {}):",
            surprises.len(),
            file!()
        );
        for difference in &surprises {
            let _ = writeln!(message, "  - {difference}");
        }
    }
    if !stale.is_empty() {
        let _ = writeln!(
            message,
            "{} INTENDED entries match no difference any more (remove them):",
            stale.len()
        );
        for entry in stale {
            let _ = writeln!(message, "  - {}", entry.fact);
        }
    }
    assert!(message.is_empty(), "{message}");
}

/// The comparison sees a drift: a fresh SQLite schema against one changed in each way the test
/// reads (the changed one stands where PostgreSQL's schema would).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drifted_schema_is_reported_difference_by_difference() {
    let (_reference_scratch, reference_db) = migrated(Backend::Sqlite).await;
    let (_drifted_scratch, drifted_db) = migrated(Backend::Sqlite).await;
    sqlx::raw_sql(
        "ALTER TABLE users ADD COLUMN nickname TEXT;
         DROP INDEX users_company;
         CREATE UNIQUE INDEX users_names ON users (last_name, first_name);
         CREATE TABLE drift (
             id INTEGER PRIMARY KEY AUTOINCREMENT,
             user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
             state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'old')) UNIQUE
         );",
    )
    .execute(&drifted_db.pool)
    .await
    .unwrap();
    let reference = sqlite_schema(&reference_db.pool).await;
    let drifted = sqlite_schema(&drifted_db.pool).await;
    reference_db.pool.close().await;
    drifted_db.pool.close().await;

    let found: Vec<String> = differences(&reference, &drifted)
        .iter()
        .map(ToString::to_string)
        .collect();
    let expected = [
        "check drift (state) ['new', 'old']: SQLite absent, PostgreSQL present",
        "column drift.id: SQLite absent, PostgreSQL `integer NOT NULL, default none, generated`",
        "column drift.state: SQLite absent, PostgreSQL `text NOT NULL, default 'new'`",
        "column drift.user_id: SQLite absent, PostgreSQL `integer NOT NULL, default none`",
        "column users.nickname: SQLite absent, PostgreSQL `text NULL, default none`",
        "foreign key drift (user_id): SQLite absent, PostgreSQL `-> users (id) on delete CASCADE, on update NO ACTION`",
        "index users_company: SQLite `on users (company_id)`, PostgreSQL absent",
        "index users_names: SQLite absent, PostgreSQL `unique on users (last_name, first_name)`",
        "primary key drift: SQLite absent, PostgreSQL `(id)`",
        "table drift: SQLite absent, PostgreSQL present",
        "unique drift (state): SQLite absent, PostgreSQL present",
    ];
    assert_eq!(found, expected);

    // Listed as intended, a difference passes; an entry matching nothing is reported as stale.
    let intended = [
        Intended {
            fact: "table drift",
            sqlite: None,
            postgres: Some(""),
        },
        Intended {
            fact: "table gone",
            sqlite: Some(""),
            postgres: None,
        },
    ];
    let (surprises, stale) = unexpected(&differences(&reference, &drifted), &intended);
    assert_eq!(surprises.len(), expected.len() - 1);
    assert!(
        surprises
            .iter()
            .all(|difference| difference.fact != "table drift")
    );
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].fact, "table gone");
}

#[test]
fn expressions_are_summarised_alike_in_both_dialects() {
    let columns: BTreeSet<String> = ["role", "balance_cents", "reserved_cents", "lifted_on"]
        .map(str::to_owned)
        .into();
    assert_eq!(
        expression_summary("role IN ('manager', 'user')", &columns),
        expression_summary(
            "(role = ANY (ARRAY['manager'::text, 'user'::text]))",
            &columns
        )
    );
    assert_eq!(
        expression_summary(
            "reserved_cents >= 0 AND reserved_cents <= balance_cents",
            &columns
        ),
        "(balance_cents, reserved_cents) [0]"
    );
    assert_eq!(
        expression_summary(
            "((reserved_cents >= 0) AND (reserved_cents <= balance_cents))",
            &columns
        ),
        "(balance_cents, reserved_cents) [0]"
    );
    assert_eq!(
        expression_summary("lifted_on IS NULL", &columns),
        "(lifted_on) []"
    );
    assert_eq!(
        normalised_default(Some("'active'::text".into())),
        "'active'"
    );
    assert_eq!(normalised_default(Some("(0)".into())), "0");
    assert_eq!(normalised_default(None), "none");
    assert_eq!(
        check_clauses(
            "CREATE TABLE t (\n -- CHECK (x) in a comment\n a INTEGER CHECK (a > 0), b TEXT CHECK(b IN ('x', 'y)')))"
        ),
        ["a > 0", "b IN ('x', 'y)')"]
    );
    assert_eq!(
        sqlite_trigger_event("CREATE TRIGGER t BEFORE UPDATE ON orders BEGIN SELECT 1; END"),
        "BEFORE UPDATE"
    );
    assert_eq!(
        sqlite_trigger_event("CREATE TRIGGER t AFTER UPDATE OF status ON orders BEGIN END"),
        "AFTER UPDATE"
    );
}
