package org.accountpurge.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * An ActiveMQ Artemis broker in this JVM for remote partitioning's tests and benchmark: on loopback only, a free port,
 * no persistence, no security (nothing but this machine reaches it). Queues are created as they are first used.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final EmbeddedActiveMQ server;
    private final int port;

    private EmbeddedBroker(EmbeddedActiveMQ server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts a broker; its files (none are written without persistence, but Artemis wants the folders) go to dir. */
    public static EmbeddedBroker start(Path dir) {
        int port = LocalStack.freePort();
        try {
            Files.createDirectories(dir);
            ConfigurationImpl config = new ConfigurationImpl();
            config.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
            config.setPersistenceEnabled(false);
            config.setSecurityEnabled(false);
            config.setJMXManagementEnabled(false);
            config.setJournalDatasync(false);
            config.setBrokerInstance(dir.toFile());
            EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config);
            server.start();
            return new EmbeddedBroker(server, port);
        } catch (Exception e) {
            throw new StackException("cannot start the embedded Artemis broker on 127.0.0.1:" + port + ": " + e, e);
        }
    }

    /** The address a job configuration's {@code purge.job.remote.broker-url} names. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
