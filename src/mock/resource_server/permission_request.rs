//! What the resource server asks the permission endpoint for (FedAuthz 4): one permission for a
//! single resource, an array of them for a collection (4-b) or, for the patient index, an array
//! whose permissions name no scope (4-c). The permission-shaping deviations apply here.

use serde_json::{Map, Value, json};

use super::access::SCOPES;
use super::deviations::{Deviation, DeviationSet};

/// The scope the `permission-unregistered-scope` deviation adds; never registered.
const UNREGISTERED_SCOPE: &str = "print";
/// What `permission-unknown-resource` appends to a real `_id`.
const UNKNOWN_ID_SUFFIX: &str = "-never-issued";

/// Which kind of request of the resource API needs the permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One resource: a single permission object.
    Single,
    /// A collection: an array, one permission per resource.
    Collection,
    /// The patient index: an array of permissions with no scopes.
    Index,
}

/// The permissions a request needs: `scope` on every resource of `ids` (any scope when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub ids: Vec<String>,
    pub scope: Option<&'static str>,
    pub shape: Shape,
}

/// The body of a permission request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermissionBody {
    Json(Value),
    /// Only under `permission-form-encoded`.
    Form(Vec<(String, String)>),
}

/// The scopes asked for on each resource.
fn scopes(wanted: &Wanted, deviations: DeviationSet) -> Vec<&'static str> {
    let mut scopes = match wanted.scope {
        Some(_) if deviations.has(Deviation::PermissionForEveryScope) => SCOPES.to_vec(),
        Some(scope) => vec![scope],
        None => Vec::new(),
    };
    if deviations.has(Deviation::PermissionUnregisteredScope) {
        scopes.push(UNREGISTERED_SCOPE);
    }
    scopes
}

fn resource_id(id: &str, deviations: DeviationSet) -> String {
    if deviations.has(Deviation::PermissionUnknownResource) {
        format!("{id}{UNKNOWN_ID_SUFFIX}")
    } else {
        id.to_string()
    }
}

/// The request body for `wanted`, as this resource server (with its deviations) sends it.
pub fn body(wanted: &Wanted, deviations: DeviationSet) -> PermissionBody {
    let scopes = scopes(wanted, deviations);
    if deviations.has(Deviation::PermissionFormEncoded) {
        let mut pairs = Vec::new();
        for id in &wanted.ids {
            pairs.push(("resource_id".to_string(), resource_id(id, deviations)));
            for scope in &scopes {
                pairs.push(("resource_scopes".to_string(), scope.to_string()));
            }
        }
        return PermissionBody::Form(pairs);
    }
    let scopes_value =
        if wanted.shape == Shape::Index && deviations.has(Deviation::EmptyScopesAsNull) {
            Value::Null
        } else {
            json!(scopes)
        };
    let permissions: Vec<Value> = wanted
        .ids
        .iter()
        .map(|id| {
            let mut object = Map::new();
            object.insert("resource_id".into(), resource_id(id, deviations).into());
            if !deviations.has(Deviation::PermissionWithoutScopesMember) {
                object.insert("resource_scopes".into(), scopes_value.clone());
            }
            Value::Object(object)
        })
        .collect();
    let value = match wanted.shape {
        Shape::Single if permissions.len() == 1 => {
            permissions.into_iter().next().unwrap_or_default()
        }
        Shape::Collection if deviations.has(Deviation::CollectionPermissionsNotArray) => {
            json!({ "permissions": permissions })
        }
        _ => Value::Array(permissions),
    };
    PermissionBody::Json(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(names: &[&str]) -> DeviationSet {
        DeviationSet::parse(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn wanted(shape: Shape, scope: Option<&'static str>) -> Wanted {
        Wanted {
            ids: vec!["a".into(), "b".into()],
            scope,
            shape,
        }
    }

    #[test]
    fn faithful_shapes() {
        let one = Wanted {
            ids: vec!["a".into()],
            scope: Some("view"),
            shape: Shape::Single,
        };
        assert_eq!(
            body(&one, with(&[])),
            PermissionBody::Json(json!({"resource_id": "a", "resource_scopes": ["view"]}))
        );
        assert_eq!(
            body(&wanted(Shape::Collection, Some("view")), with(&[])),
            PermissionBody::Json(json!([
                {"resource_id": "a", "resource_scopes": ["view"]},
                {"resource_id": "b", "resource_scopes": ["view"]},
            ]))
        );
        assert_eq!(
            body(&wanted(Shape::Index, None), with(&[])),
            PermissionBody::Json(json!([
                {"resource_id": "a", "resource_scopes": []},
                {"resource_id": "b", "resource_scopes": []},
            ]))
        );
    }

    #[test]
    fn deviant_shapes() {
        let collection = wanted(Shape::Collection, Some("view"));
        let PermissionBody::Json(v) =
            body(&collection, with(&["collection-permissions-not-array"]))
        else {
            panic!("JSON")
        };
        assert_eq!(v["permissions"].as_array().unwrap().len(), 2);
        let PermissionBody::Json(v) =
            body(&wanted(Shape::Index, None), with(&["empty-scopes-as-null"]))
        else {
            panic!("JSON")
        };
        assert_eq!(v[1]["resource_scopes"], Value::Null);
        let form = body(&collection, with(&["permission-form-encoded"]));
        assert_eq!(
            form,
            PermissionBody::Form(vec![
                ("resource_id".into(), "a".into()),
                ("resource_scopes".into(), "view".into()),
                ("resource_id".into(), "b".into()),
                ("resource_scopes".into(), "view".into()),
            ])
        );
        let PermissionBody::Json(v) = body(
            &collection,
            with(&[
                "permission-for-every-scope",
                "permission-unregistered-scope",
                "permission-unknown-resource",
            ]),
        ) else {
            panic!("JSON")
        };
        assert_eq!(v[0]["resource_id"], json!("a-never-issued"));
        assert_eq!(
            v[0]["resource_scopes"],
            json!(["view", "edit", "download", "delete", "print"])
        );
        let PermissionBody::Json(v) =
            body(&collection, with(&["permission-without-scopes-member"]))
        else {
            panic!("JSON")
        };
        assert_eq!(v[0], json!({"resource_id": "a"}));
    }
}
