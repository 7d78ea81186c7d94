package dev.notebookchat.problems;

import jakarta.json.Json;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The contract's JSON body for a 401 the server answers itself, before the application sees the
 * request: Payara's MicroProfile JWT refuses a bad token with {@code sendError}, which would show the
 * server's HTML page. {@code web.xml} makes this the error page for 401. A servlet rather than a file,
 * since the refused request may have any method and the static-file servlet refuses all but GET.
 */
@WebServlet("/errors/unauthorized")
public class UnauthorizedPage extends HttpServlet {

    static final String MESSAGE = "Sign in first: this call needs a valid bearer token.";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Json.createObjectBuilder()
                .add("error", ApiError.codeFor(401))
                .add("message", MESSAGE)
                .build().toString());
    }
}
