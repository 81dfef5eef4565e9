//! Logs and traces: a `tracing` subscriber writing human or JSON lines, and,
//! when an OTLP endpoint is configured, every span exported over OTLP/HTTP.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{Config, LogFormat};

/// Keeps the trace pipeline alive; flushes the last spans when dropped.
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take() {
            let _ = provider.shutdown();
        }
    }
}

/// Installs the global subscriber. `RUST_LOG`, when set, overrides `log.filter`.
pub fn init(config: &Config) -> TelemetryGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.log.filter));
    let (provider, otel_error) = match config.otlp_endpoint() {
        Some(endpoint) => match tracer_provider(&endpoint, &config.telemetry.service_name) {
            Ok(provider) => (Some(provider), None),
            Err(err) => (None, Some(err)),
        },
        None => (None, None),
    };
    let otel_layer = provider.as_ref().map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("relais")));
    let registry = tracing_subscriber::registry().with(filter).with(otel_layer);
    let result = match config.log.format {
        LogFormat::Human => registry.with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr)).try_init(),
        LogFormat::Json => registry
            .with(tracing_subscriber::fmt::layer().json().flatten_event(true).with_writer(std::io::stderr))
            .try_init(),
    };
    if let Err(err) = result {
        eprintln!("logging was already set up: {err}");
    }
    if let Some(err) = otel_error {
        tracing::error!(error = %err, "trace export disabled: the OTLP exporter could not be built");
    } else if provider.is_some() {
        tracing::info!("exporting traces over OTLP/HTTP");
    }
    TelemetryGuard { provider }
}

fn tracer_provider(endpoint: &str, service_name: &str) -> Result<SdkTracerProvider, String> {
    let endpoint = endpoint.trim_end_matches('/');
    let traces_url =
        if endpoint.ends_with("/v1/traces") { endpoint.to_owned() } else { format!("{endpoint}/v1/traces") };
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(traces_url)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name(service_name.to_owned()).build())
        .build())
}
