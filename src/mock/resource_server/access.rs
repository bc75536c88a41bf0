//! The resource server's access decisions, without HTTP: which scope a request needs, and whether
//! an introspection answer (or the claims of a JWT RPT verified locally, which read as one) holds
//! a permission that covers it right now.

use serde_json::Value;

/// The scopes the resource server registers for every resource, in registration order.
pub const SCOPES: [&str; 4] = ["view", "edit", "download", "delete"];

/// What a request to a resource needs, or why it makes no sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The scope the request needs.
    Scope(&'static str),
    /// A method the resource API does not serve (405).
    MethodNotAllowed,
    /// `?download` with a method other than GET or HEAD (400).
    DownloadWithoutGet,
}

/// The scope mapping of the resource API: GET and HEAD read (`view`), or fetch as an attachment
/// with `?download` (`download`); PUT replaces the content (`edit`); DELETE removes the resource
/// and deregisters it (`delete`).
pub fn needed_scope(method: &http::Method, download: bool) -> Need {
    let is_read = method == http::Method::GET || method == http::Method::HEAD;
    if download && !is_read {
        return Need::DownloadWithoutGet;
    }
    match *method {
        _ if is_read && download => Need::Scope("download"),
        _ if is_read => Need::Scope("view"),
        http::Method::PUT => Need::Scope("edit"),
        http::Method::DELETE => Need::Scope("delete"),
        _ => Need::MethodNotAllowed,
    }
}

/// Whether a query string asks for a download: a `download` parameter, bare or with any value
/// but `false` or `0`.
pub fn wants_download(query: Option<&str>) -> bool {
    query.is_some_and(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .any(|(k, v)| k == "download" && v != "false" && v != "0")
    })
}

/// How strictly the permissions are read; the relaxed settings are deviations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Strictness {
    /// Ignore permission-level `exp`.
    pub ignore_permission_exp: bool,
    /// Accept any permission on the resource, whatever its scopes.
    pub ignore_scopes: bool,
    /// Ignore the answer's `active` member.
    pub ignore_active: bool,
    /// Accept a permission on any resource, whichever it names.
    pub ignore_resource: bool,
    /// Ignore permission-level `nbf`.
    pub ignore_permission_nbf: bool,
    /// Ignore the token's own `exp`.
    pub ignore_token_exp: bool,
}

/// Whether a time bound of an introspection answer holds at `now`: absent is fine; present it
/// must be an integer (a string or fraction makes the answer unusable).
fn time_member(object: &Value, name: &str) -> Result<Option<i64>, ()> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or(()),
        Some(_) => Err(()),
    }
}

/// Whether an object's `exp`, `iat` and `nbf` allow use at `now` (seconds since the epoch):
/// expired at or after `exp`, not yet valid before `nbf`, and not issued in the future.
fn times_allow(object: &Value, now: i64, check_exp: bool) -> bool {
    times_allow_with(object, now, check_exp, true)
}

/// The same, with the `nbf` bound optional (a deviation drops it).
fn times_allow_with(object: &Value, now: i64, check_exp: bool, check_nbf: bool) -> bool {
    let (Ok(exp), Ok(iat), Ok(nbf)) = (
        time_member(object, "exp"),
        time_member(object, "iat"),
        time_member(object, "nbf"),
    ) else {
        return false;
    };
    !(check_exp && exp.is_some_and(|exp| now >= exp)
        || iat.is_some_and(|iat| iat > now)
        || check_nbf && nbf.is_some_and(|nbf| nbf > now))
}

/// Whether one permission object covers `scope` (any scopes at all when `None`) on the
/// resource registered as `resource_id` at `now`.
fn covers(
    permission: &Value,
    resource_id: &str,
    scope: Option<&str>,
    now: i64,
    strictness: Strictness,
) -> bool {
    let resource_ok = strictness.ignore_resource
        || permission.get("resource_id").and_then(Value::as_str) == Some(resource_id);
    let scope_ok = match scope {
        _ if strictness.ignore_scopes => true,
        None => true,
        Some(scope) => permission
            .get("resource_scopes")
            .and_then(Value::as_array)
            .is_some_and(|s| s.iter().any(|s| s.as_str() == Some(scope))),
    };
    resource_ok
        && scope_ok
        && times_allow_with(
            permission,
            now,
            !strictness.ignore_permission_exp,
            !strictness.ignore_permission_nbf,
        )
}

/// Whether an introspection answer lets the bearer use `scope` (any scope when `None`) on every
/// resource registered as one of `resource_ids`, at `now`: the token is active and within its
/// own time bounds, and for each resource one of its permissions names it with the scope and is
/// itself within its time bounds.
pub fn permits_all(
    introspection: &Value,
    resource_ids: &[&str],
    scope: Option<&str>,
    now: i64,
    strictness: Strictness,
) -> bool {
    if !strictness.ignore_active && introspection.get("active") != Some(&Value::Bool(true)) {
        return false;
    }
    // The token's own exp is the AS's business too (it answers inactive once it passed), yet an
    // active answer past it still does not serve.
    if !times_allow(introspection, now, !strictness.ignore_token_exp) {
        return false;
    }
    let Some(permissions) = introspection.get("permissions").and_then(Value::as_array) else {
        return false;
    };
    resource_ids.iter().all(|id| {
        permissions
            .iter()
            .any(|p| covers(p, id, scope, now, strictness))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;
    use serde_json::json;

    #[test]
    fn methods_and_download_flag_map_to_scopes() {
        assert_eq!(needed_scope(&Method::GET, false), Need::Scope("view"));
        assert_eq!(needed_scope(&Method::HEAD, false), Need::Scope("view"));
        assert_eq!(needed_scope(&Method::GET, true), Need::Scope("download"));
        assert_eq!(needed_scope(&Method::PUT, false), Need::Scope("edit"));
        assert_eq!(needed_scope(&Method::DELETE, false), Need::Scope("delete"));
        assert_eq!(needed_scope(&Method::POST, false), Need::MethodNotAllowed);
        assert_eq!(needed_scope(&Method::PATCH, false), Need::MethodNotAllowed);
        assert_eq!(needed_scope(&Method::PUT, true), Need::DownloadWithoutGet);
        assert_eq!(
            needed_scope(&Method::DELETE, true),
            Need::DownloadWithoutGet
        );
        for scope in ["view", "edit", "download", "delete"] {
            assert!(SCOPES.contains(&scope));
        }
    }

    #[test]
    fn download_flag_is_read_from_the_query() {
        assert!(wants_download(Some("download")));
        assert!(wants_download(Some("download=")));
        assert!(wants_download(Some("a=b&download=true")));
        assert!(!wants_download(Some("download=false")));
        assert!(!wants_download(Some("download=0")));
        assert!(!wants_download(Some("downloads")));
        assert!(!wants_download(None));
    }

    fn answer(permission: Value) -> Value {
        json!({"active": true, "exp": 2000, "iat": 1000, "permissions": [permission]})
    }

    const STRICT: Strictness = Strictness {
        ignore_permission_exp: false,
        ignore_scopes: false,
        ignore_active: false,
        ignore_resource: false,
        ignore_permission_nbf: false,
        ignore_token_exp: false,
    };

    fn permits(a: &Value, id: &str, scope: &str, now: i64, strictness: Strictness) -> bool {
        permits_all(a, &[id], Some(scope), now, strictness)
    }

    #[test]
    fn every_resource_must_be_covered_and_none_means_any_scope() {
        let a = json!({"active": true, "permissions": [
            {"resource_id": "r1", "resource_scopes": ["view"]},
            {"resource_id": "r2", "resource_scopes": []},
        ]});
        assert!(permits_all(&a, &["r1", "r2"], None, 1500, STRICT));
        assert!(!permits_all(&a, &["r1", "r2"], Some("view"), 1500, STRICT));
        assert!(!permits_all(&a, &["r1", "r3"], None, 1500, STRICT));
        let anywhere = Strictness {
            ignore_resource: true,
            ..STRICT
        };
        assert!(permits_all(&a, &["r3"], Some("view"), 1500, anywhere));
        let mut inactive = a.clone();
        inactive["active"] = json!(false);
        assert!(!permits_all(&inactive, &["r1"], None, 1500, STRICT));
        let careless = Strictness {
            ignore_active: true,
            ..STRICT
        };
        assert!(permits_all(&inactive, &["r1"], None, 1500, careless));
    }

    #[test]
    fn a_permission_for_the_resource_and_scope_serves() {
        let a = answer(json!({"resource_id": "r1", "resource_scopes": ["view", "edit"]}));
        assert!(permits(&a, "r1", "view", 1500, STRICT));
        assert!(permits(&a, "r1", "edit", 1500, STRICT));
        assert!(!permits(&a, "r1", "delete", 1500, STRICT));
        assert!(!permits(&a, "r2", "view", 1500, STRICT));
        let lax = Strictness {
            ignore_scopes: true,
            ..STRICT
        };
        assert!(permits(&a, "r1", "delete", 1500, lax));
        assert!(!permits(&a, "r2", "delete", 1500, lax));
    }

    #[test]
    fn inactive_or_permissionless_answers_never_serve() {
        let mut a = answer(json!({"resource_id": "r1", "resource_scopes": ["view"]}));
        a["active"] = json!(false);
        assert!(!permits(&a, "r1", "view", 1500, STRICT));
        a["active"] = json!("true");
        assert!(!permits(&a, "r1", "view", 1500, STRICT));
        let none = json!({"active": true, "scope": "view"});
        assert!(!permits(&none, "r1", "view", 1500, STRICT));
    }

    #[test]
    fn permission_level_times_are_honoured() {
        let p = |extra: Value| {
            let mut p = json!({"resource_id": "r1", "resource_scopes": ["view"]});
            p.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            answer(p)
        };
        // exp: usable strictly before it.
        assert!(permits(
            &p(json!({"exp": 1501})),
            "r1",
            "view",
            1500,
            STRICT
        ));
        assert!(!permits(
            &p(json!({"exp": 1500})),
            "r1",
            "view",
            1500,
            STRICT
        ));
        assert!(!permits(
            &p(json!({"exp": 1200})),
            "r1",
            "view",
            1500,
            STRICT
        ));
        // nbf: usable from it on.
        assert!(permits(
            &p(json!({"nbf": 1500})),
            "r1",
            "view",
            1500,
            STRICT
        ));
        assert!(!permits(
            &p(json!({"nbf": 1501})),
            "r1",
            "view",
            1500,
            STRICT
        ));
        // iat: not issued in the future.
        assert!(permits(
            &p(json!({"iat": 1500})),
            "r1",
            "view",
            1500,
            STRICT
        ));
        assert!(!permits(
            &p(json!({"iat": 1600})),
            "r1",
            "view",
            1500,
            STRICT
        ));
        // Times that are not integers make the permission unusable.
        assert!(!permits(
            &p(json!({"exp": "1600"})),
            "r1",
            "view",
            1500,
            STRICT
        ));
        assert!(!permits(
            &p(json!({"exp": 1600.5})),
            "r1",
            "view",
            1500,
            STRICT
        ));
        // The deviation ignores exp only.
        let lax = Strictness {
            ignore_permission_exp: true,
            ..STRICT
        };
        assert!(permits(&p(json!({"exp": 1200})), "r1", "view", 1500, lax));
        assert!(!permits(&p(json!({"nbf": 1501})), "r1", "view", 1500, lax));
    }

    #[test]
    fn one_good_permission_among_expired_ones_is_enough() {
        let a = json!({"active": true, "permissions": [
            {"resource_id": "r1", "resource_scopes": ["view"], "exp": 1000},
            {"resource_id": "r1", "resource_scopes": ["view"], "exp": 3000},
        ]});
        assert!(permits(&a, "r1", "view", 1500, STRICT));
    }

    #[test]
    fn token_level_times_bound_every_permission() {
        let mut a = answer(json!({"resource_id": "r1", "resource_scopes": ["view"]}));
        a["nbf"] = json!(1600);
        assert!(!permits(&a, "r1", "view", 1500, STRICT));
        a["nbf"] = json!(1400);
        a["exp"] = json!(1500);
        assert!(!permits(&a, "r1", "view", 1500, STRICT));
    }
}
