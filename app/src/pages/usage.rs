//! The Usage page: the team's AI token spend and estimated cost per day,
//! model and user.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::usage::usage_report;
use crate::components::widgets::{ErrorNotice, PageHeader};
use types::usage::TokenTotals;

/// Thousands separated, for token counts.
pub fn grouped(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Estimated cost, with a note when some calls had no price.
pub fn cost(t: &TokenTotals) -> String {
    let base = if t.cost_usd > 0.0 && t.cost_usd < 0.01 {
        "< $0.01".to_string()
    } else {
        format!("${:.2}", t.cost_usd)
    };
    if t.unpriced_calls > 0 {
        format!("{base} (+{} unpriced calls)", t.unpriced_calls)
    } else {
        base
    }
}

#[component]
fn TotalsTable(
    caption: &'static str,
    first: &'static str,
    rows: Vec<(String, TokenTotals)>,
) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{caption}</h2>
            {if rows.is_empty() {
                view! { <p class="muted">"No model calls in this period."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>{first}</th><th class="num">"Calls"</th><th class="num">"Input"</th><th class="num">"Output"</th><th class="num">"Cache write"</th><th class="num">"Cache read"</th><th class="num">"Est. cost"</th></tr></thead>
                        <tbody>{rows.into_iter().map(|(k, t)| view! {
                            <tr>
                                <td>{k}</td><td class="num">{grouped(t.calls)}</td><td class="num">{grouped(t.input)}</td>
                                <td class="num">{grouped(t.output)}</td><td class="num">{grouped(t.cache_write)}</td>
                                <td class="num">{grouped(t.cache_read)}</td><td class="num">{cost(&t)}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn Usage() -> impl IntoView {
    let range = RwSignal::new(30i64);
    let report = Resource::<_, crate::codec::Json>::new_with_options(
        move || range.get(),
        |days: i64| usage_report(days.to_string()),
        false,
    );
    view! {
        <Title text="Usage"/>
        <PageHeader title="Usage" lead="AI tokens and estimated cost per day, model and user."/>
        <div class="segmented" style="margin-bottom: 1rem">
            <button type="button" class:active=move || range.get() == 7 on:click=move |_| range.set(7)>"7 days"</button>
            <button type="button" class:active=move || range.get() == 30 on:click=move |_| range.set(30)>"30 days"</button>
            <button type="button" class:active=move || range.get() == 90 on:click=move |_| range.set(90)>"90 days"</button>
        </div>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match report.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(r) => {
                        let t = r.totals.clone();
                        view! {
                            <p class="muted" data-testid="ai-writer">{match &r.ai_writer {
                                Some(w) => format!("AI writer: {w}. Costs are estimates from the price table (LLM_PRICES_FILE overrides it)."),
                                None => "AI writer off: courses are written offline and spend no tokens.".to_string(),
                            }}</p>
                            <section class="cards" data-testid="usage-totals">
                                <div class="card stat"><span class="stat-label">"Model calls"</span><span class="stat-value">{grouped(t.calls)}</span></div>
                                <div class="card stat"><span class="stat-label">"Tokens"</span><span class="stat-value" data-testid="usage-tokens">{grouped(t.tokens())}</span></div>
                                <div class="card stat"><span class="stat-label">"Cache read"</span><span class="stat-value">{grouped(t.cache_read)}</span></div>
                                <div class="card stat"><span class="stat-label">"Estimated cost"</span><span class="stat-value" data-testid="usage-cost">{cost(&t)}</span></div>
                            </section>
                            <TotalsTable caption="Per day" first="Day" rows=r.per_day.clone()/>
                            <TotalsTable caption="Per model" first="Model" rows=r.per_model.clone()/>
                            <TotalsTable caption="Per user" first="User" rows=r.per_user.clone()/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_costs_read_well() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(-1000), "-1,000");
        let mut t = TokenTotals {
            cost_usd: 1.234,
            ..TokenTotals::default()
        };
        assert_eq!(cost(&t), "$1.23");
        t.cost_usd = 0.001;
        t.unpriced_calls = 2;
        assert_eq!(cost(&t), "< $0.01 (+2 unpriced calls)");
    }
}
