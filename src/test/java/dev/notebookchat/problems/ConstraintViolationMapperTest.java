package dev.notebookchat.problems;

import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConstraintViolationMapperTest {

    private final ConstraintViolationMapper mapper = new ConstraintViolationMapper();

    @BeforeAll
    static void responsesWithoutServer() {
        PlainRuntimeDelegate.install();
    }

    @Test
    void fieldNamesBecomeSnakeCase() {
        assertEquals("session_id", ConstraintViolationMapper.snakeCase("sessionId"));
        assertEquals("model_override", ConstraintViolationMapper.snakeCase("modelOverride"));
        assertEquals("context_config", ConstraintViolationMapper.snakeCase("contextConfig"));
        assertEquals("api_key", ConstraintViolationMapper.snakeCase("apiKey"));
        assertEquals("title", ConstraintViolationMapper.snakeCase("title"));
        assertEquals("utf8_text", ConstraintViolationMapper.snakeCase("utf8Text"));
        assertEquals("base_url", ConstraintViolationMapper.snakeCase("baseURL"));
    }

    @Test
    void eachInvalidFieldIsNamedOnceInAlphabeticalOrder() {
        Set<ConstraintViolation<?>> violations = new LinkedHashSet<>(List.of(
                violation("must not be blank", node(ElementKind.METHOD, "stream"), node(ElementKind.PARAMETER, "request"),
                        node(ElementKind.PROPERTY, "sessionId")),
                violation("size must be between 1 and 32000", node(ElementKind.METHOD, "stream"),
                        node(ElementKind.PARAMETER, "request"), node(ElementKind.PROPERTY, "message")),
                violation("size must be between 1 and 32000", node(ElementKind.METHOD, "execute"),
                        node(ElementKind.PARAMETER, "request"), node(ElementKind.PROPERTY, "message"))));

        Response response = mapper.toResponse(new ConstraintViolationException(violations));

        assertEquals(400, response.getStatus());
        assertEquals(new ApiError("bad_request", "message size must be between 1 and 32000; session_id must not be blank"),
                response.getEntity());
    }

    @Test
    void aViolationOfTheWholeBodyIsItsMessageAlone() {
        Set<ConstraintViolation<?>> violations = Set.of(violation(ApiError.BODY_REQUIRED,
                node(ElementKind.METHOD, "stream"), node(ElementKind.PARAMETER, "request")));

        assertEquals(new ApiError("bad_request", "A JSON request body is required."),
                mapper.toResponse(new ConstraintViolationException(violations)).getEntity());
    }

    @Test
    void withoutViolationsTheMessageIsGeneral() {
        assertEquals(new ApiError("bad_request", "The request is not valid."),
                mapper.toResponse(new ConstraintViolationException(Set.of())).getEntity());
    }

    private static Path.Node node(ElementKind kind, String name) {
        return (Path.Node) Proxy.newProxyInstance(Path.Node.class.getClassLoader(), new Class<?>[]{Path.Node.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getKind" -> kind;
                    case "getName", "toString" -> name;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static ConstraintViolation<?> violation(String message, Path.Node... nodes) {
        Path path = (Path) Proxy.newProxyInstance(Path.class.getClassLoader(), new Class<?>[]{Path.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "iterator" -> Arrays.asList(nodes).iterator();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> Arrays.toString(nodes);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (ConstraintViolation<?>) Proxy.newProxyInstance(ConstraintViolation.class.getClassLoader(),
                new Class<?>[]{ConstraintViolation.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getMessage" -> message;
                    case "getPropertyPath" -> path;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> path + " " + message;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
