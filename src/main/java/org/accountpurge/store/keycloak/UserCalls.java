package org.accountpurge.store.keycloak;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /admin/realms/{realm}/users/{id}} as a bare response, for checking that a user is gone. Through the admin
 * client the same lookup builds a proxy of {@code UserResource} (dozens of methods) for every user and throws
 * {@code NotFoundException} for every user already deleted; this proxy is built once, and a 404 is a status to read.
 */
@Path("/admin/realms/{realm}/users")
interface UserLookup {

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    Response user(@PathParam("realm") String realm, @PathParam("id") String id);
}
