package org.accountpurge.store.keycloak;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * The calls the purge makes on one realm user at a time, under {@code /admin/realms/{realm}/users/{id}}, each as a bare
 * response. Through the admin client every one of them builds a proxy of {@code UserResource} (dozens of methods) for
 * the user and throws {@code NotFoundException} for a user already gone; this proxy is built once, and a status is
 * read as a status.
 */
@Path("/admin/realms/{realm}/users/{id}")
interface UserCalls {

    /** The user (404: gone). */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Response user(@PathParam("realm") String realm, @PathParam("id") String id);

    /** The user's online sessions, a JSON array. */
    @GET
    @Path("sessions")
    @Produces(MediaType.APPLICATION_JSON)
    Response sessions(@PathParam("realm") String realm, @PathParam("id") String id);

    /** The user's offline sessions with one client (its internal id), a JSON array. */
    @GET
    @Path("offline-sessions/{client}")
    @Produces(MediaType.APPLICATION_JSON)
    Response offlineSessions(@PathParam("realm") String realm, @PathParam("id") String id,
                             @PathParam("client") String clientUuid);

    /** Changes the fields that {@code user} sets, leaving the others as they are. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    Response update(@PathParam("realm") String realm, @PathParam("id") String id, UserRepresentation user);

    /** Ends every session of the user. */
    @POST
    @Path("logout")
    Response logout(@PathParam("realm") String realm, @PathParam("id") String id);
}
