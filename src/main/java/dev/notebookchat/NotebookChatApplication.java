package dev.notebookchat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The JSON API lives under {@code /api}; every call but the dev login carries a bearer JWT.
 *
 * <p>A CDI bean so that servers which look for {@code @LoginConfig} among the discovered beans (Payara)
 * switch MicroProfile JWT on; in the default annotated discovery mode an unannotated class is not one.
 */
@ApplicationScoped
@ApplicationPath("/api")
@LoginConfig(authMethod = "MP-JWT")
@OpenAPIDefinition(
        info = @Info(title = "Notebook Chat", version = "1.0",
                description = "Notebooks of sources and notes, and chats about them whose answers stream over Server-Sent Events."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public class NotebookChatApplication extends Application {
}
