//! Cucumber JSON, the format CI plugins read: features, their scenarios, their steps with a
//! status, and the HTTP exchanges of each step as its output.

use serde_json::{Value, json};

use crate::harness::record::StepState;
use crate::runner::execute::ScenarioResult;

pub fn render(results: &[ScenarioResult]) -> Value {
    let mut features: Vec<(String, String, Vec<Value>)> = Vec::new();
    for result in results {
        let element = scenario_element(result);
        match features
            .iter_mut()
            .find(|(path, _, _)| *path == result.feature_path)
        {
            Some((_, _, elements)) => elements.push(element),
            None => features.push((
                result.feature_path.clone(),
                result.feature.clone(),
                vec![element],
            )),
        }
    }
    Value::Array(
        features
            .into_iter()
            .map(|(path, name, elements)| {
                json!({
                    "uri": format!("features/{path}"),
                    "id": slug(&name),
                    "keyword": "Feature",
                    "name": name,
                    "line": 1,
                    "description": "",
                    "tags": [],
                    "elements": elements,
                })
            })
            .collect(),
    )
}

fn scenario_element(result: &ScenarioResult) -> Value {
    let steps: Vec<Value> = result
        .record
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let status = match step.state {
                StepState::Passed | StepState::Warning | StepState::Running => "passed",
                StepState::Failed => "failed",
                StepState::Skipped | StepState::NotRun => "skipped",
                StepState::Undefined => "undefined",
            };
            let mut result_obj = json!({"status": status, "duration": step.elapsed_ms * 1_000_000});
            if let Some(message) = &step.message {
                result_obj["error_message"] = Value::String(message.clone());
            }
            let output: Vec<String> = result
                .record
                .exchanges
                .iter()
                .filter(|e| e.step == Some(index))
                .map(|e| e.to_text())
                .collect();
            json!({
                "keyword": format!("{} ", step.keyword),
                "name": step.text,
                "line": step.line,
                "result": result_obj,
                "output": output,
            })
        })
        .collect();
    json!({
        "id": format!("{};{}", slug(&result.feature), slug(&result.name)),
        "keyword": "Scenario",
        "type": "scenario",
        "name": result.name,
        "line": result.line,
        "description": "",
        "tags": result.tags.iter().map(|t| json!({"name": format!("@{t}"), "line": result.line.saturating_sub(1)})).collect::<Vec<_>>(),
        "steps": steps,
    })
}

use crate::text::slug;
