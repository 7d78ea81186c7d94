package dev.notebookchat.platform;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.IOException;
import java.io.PushbackInputStream;

/**
 * Every request body of the API is one JSON object. JSON-B reads a one-element array as the object
 * inside it, so {@code [{"name": "Coffee"}]} would create a notebook; a body that does not start
 * with {@code {}} is refused here, before binding. An empty body is left to {@code @NotNull}.
 */
@Provider
public class JsonObjectBodies implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        MediaType type = context.getMediaType();
        if (type != null && type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            PushbackInputStream body = new PushbackInputStream(context.getInputStream(), 1);
            int first = body.read();
            while (first == ' ' || first == '\t' || first == '\n' || first == '\r') {
                first = body.read();
            }
            if (first != -1) {
                if (first != '{') {
                    throw new BadRequestException("The request body must be a JSON object.");
                }
                body.unread(first);
            }
            context.setInputStream(body);
        }
        return context.proceed();
    }
}
