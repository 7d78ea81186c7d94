package dev.notebookchat.problems;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Comparator;
import java.util.stream.Collectors;

/** Invalid fields answer 400 naming each field in the contract's snake_case. */
@Provider
public class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {

    @Override
    public Response toResponse(ConstraintViolationException e) {
        String message = e.getConstraintViolations().stream()
                .map(ConstraintViolationMapper::describe)
                .sorted(Comparator.naturalOrder())
                .distinct()
                .collect(Collectors.joining("; "));
        return ApiError.response(400, message.isEmpty() ? "The request is not valid." : message);
    }

    private static String describe(ConstraintViolation<?> violation) {
        String field = null;
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == jakarta.validation.ElementKind.PROPERTY) {
                field = node.getName();
            }
        }
        return field == null ? violation.getMessage() : snakeCase(field) + " " + violation.getMessage();
    }

    static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
