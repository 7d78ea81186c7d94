package dev.notebookchat.unit;

import jakarta.ws.rs.SeBootstrap;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.Link;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.Variant;
import jakarta.ws.rs.ext.RuntimeDelegate;

import java.lang.annotation.Annotation;
import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Just enough of a JAX-RS runtime for unit tests: responses that keep their status, entity,
 * media type and headers. {@code new BadRequestException("...")} already builds a {@link Response}, and without
 * a runtime on the test classpath it would fail before the code under test could throw it.
 * Everything else is unsupported, so a test that leans on more fails loudly.
 */
public final class PlainRuntimeDelegate extends RuntimeDelegate {

    private PlainRuntimeDelegate() {
    }

    public static void install() {
        RuntimeDelegate.setInstance(new PlainRuntimeDelegate());
    }

    @Override
    public Response.ResponseBuilder createResponseBuilder() {
        return new Builder();
    }

    @Override public UriBuilder createUriBuilder() { throw unsupported(); }
    @Override public Variant.VariantListBuilder createVariantListBuilder() { throw unsupported(); }
    @Override public <T> T createEndpoint(Application application, Class<T> endpointType) { throw unsupported(); }
    @Override public <T> HeaderDelegate<T> createHeaderDelegate(Class<T> type) { throw unsupported(); }
    @Override public Link.Builder createLinkBuilder() { throw unsupported(); }
    @Override public SeBootstrap.Configuration.Builder createConfigurationBuilder() { throw unsupported(); }
    @Override public CompletionStage<SeBootstrap.Instance> bootstrap(Application application, SeBootstrap.Configuration configuration) { throw unsupported(); }
    @Override public CompletionStage<SeBootstrap.Instance> bootstrap(Class<? extends Application> clazz, SeBootstrap.Configuration configuration) { throw unsupported(); }
    @Override public EntityPart.Builder createEntityPartBuilder(String partName) { throw unsupported(); }

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("Not part of the plain test runtime");
    }

    private static final class Builder extends Response.ResponseBuilder {
        private int status = 200;
        private Object entity;
        private MediaType type;
        private final MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();

        @Override
        public Response build() {
            return new PlainResponse(status, entity, type, headers);
        }

        @Override
        public Response.ResponseBuilder clone() {
            Builder copy = new Builder();
            copy.status = status;
            copy.entity = entity;
            copy.type = type;
            copy.headers.putAll(headers);
            return copy;
        }

        @Override public Response.ResponseBuilder status(int status) { this.status = status; return this; }
        @Override public Response.ResponseBuilder status(int status, String reasonPhrase) { this.status = status; return this; }
        @Override public Response.ResponseBuilder entity(Object entity) { this.entity = entity; return this; }
        @Override public Response.ResponseBuilder entity(Object entity, Annotation[] annotations) { this.entity = entity; return this; }
        @Override public Response.ResponseBuilder type(MediaType type) { this.type = type; return this; }
        
        @Override public Response.ResponseBuilder type(String type) { throw unsupported(); }
        @Override public Response.ResponseBuilder allow(String... methods) { throw unsupported(); }
        @Override public Response.ResponseBuilder allow(Set<String> methods) { throw unsupported(); }
        @Override public Response.ResponseBuilder cacheControl(CacheControl cacheControl) { throw unsupported(); }
        @Override public Response.ResponseBuilder encoding(String encoding) { throw unsupported(); }
        @Override public Response.ResponseBuilder header(String name, Object value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.add(name, value);
            }
            return this;
        }
        @Override public Response.ResponseBuilder replaceAll(MultivaluedMap<String, Object> headers) { throw unsupported(); }
        @Override public Response.ResponseBuilder language(String language) { throw unsupported(); }
        @Override public Response.ResponseBuilder language(Locale language) { throw unsupported(); }
        @Override public Response.ResponseBuilder variant(Variant variant) { throw unsupported(); }
        @Override public Response.ResponseBuilder contentLocation(URI location) { throw unsupported(); }
        @Override public Response.ResponseBuilder cookie(NewCookie... cookies) { throw unsupported(); }
        @Override public Response.ResponseBuilder expires(Date expires) { throw unsupported(); }
        @Override public Response.ResponseBuilder lastModified(Date lastModified) { throw unsupported(); }
        @Override public Response.ResponseBuilder location(URI location) { throw unsupported(); }
        @Override public Response.ResponseBuilder tag(EntityTag tag) { throw unsupported(); }
        @Override public Response.ResponseBuilder tag(String tag) { throw unsupported(); }
        @Override public Response.ResponseBuilder variants(Variant... variants) { throw unsupported(); }
        @Override public Response.ResponseBuilder variants(List<Variant> variants) { throw unsupported(); }
        @Override public Response.ResponseBuilder links(Link... links) { throw unsupported(); }
        @Override public Response.ResponseBuilder link(URI uri, String rel) { throw unsupported(); }
        @Override public Response.ResponseBuilder link(String uri, String rel) { throw unsupported(); }
    }

    private static final class PlainResponse extends Response {
        private final int status;
        private final Object entity;
        private final MediaType type;
        private final MultivaluedMap<String, Object> headers;

        PlainResponse(int status, Object entity, MediaType type, MultivaluedMap<String, Object> headers) {
            this.status = status;
            this.entity = entity;
            this.type = type;
            this.headers = new MultivaluedHashMap<>(headers);
        }

        @Override public int getStatus() { return status; }
        @Override public Object getEntity() { return entity; }
        @Override public boolean hasEntity() { return entity != null; }
        @Override public MediaType getMediaType() { return type; }
        @Override public void close() { }

        @Override
        public StatusType getStatusInfo() {
            Status known = Status.fromStatusCode(status);
            return known != null ? known : new StatusType() {
                @Override public int getStatusCode() { return status; }
                @Override public Status.Family getFamily() { return Status.Family.familyOf(status); }
                @Override public String getReasonPhrase() { return ""; }
            };
        }

        @Override public <T> T readEntity(Class<T> entityType) { throw unsupported(); }
        @Override public <T> T readEntity(GenericType<T> entityType) { throw unsupported(); }
        @Override public <T> T readEntity(Class<T> entityType, Annotation[] annotations) { throw unsupported(); }
        @Override public <T> T readEntity(GenericType<T> entityType, Annotation[] annotations) { throw unsupported(); }
        @Override public boolean bufferEntity() { throw unsupported(); }
        @Override public Locale getLanguage() { throw unsupported(); }
        @Override public int getLength() { throw unsupported(); }
        @Override public Set<String> getAllowedMethods() { throw unsupported(); }
        @Override public Map<String, NewCookie> getCookies() { throw unsupported(); }
        @Override public EntityTag getEntityTag() { throw unsupported(); }
        @Override public Date getDate() { throw unsupported(); }
        @Override public Date getLastModified() { throw unsupported(); }
        @Override public URI getLocation() { throw unsupported(); }
        @Override public Set<Link> getLinks() { throw unsupported(); }
        @Override public boolean hasLink(String relation) { throw unsupported(); }
        @Override public Link getLink(String relation) { throw unsupported(); }
        @Override public Link.Builder getLinkBuilder(String relation) { throw unsupported(); }
        @Override public MultivaluedMap<String, Object> getMetadata() { return headers; }
        @Override public MultivaluedMap<String, String> getStringHeaders() { throw unsupported(); }
        @Override public String getHeaderString(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .flatMap(h -> h.getValue().stream()).map(String::valueOf).findFirst().orElse(null);
        }
    }
}
