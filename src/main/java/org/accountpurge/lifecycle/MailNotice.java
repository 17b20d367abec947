package org.accountpurge.lifecycle;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.accountpurge.config.SelectionSection;
import org.accountpurge.store.StoreException;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * The grace lifecycle's warning as a mail to each warned user, through the platform's SMTP relay. The address is read
 * by the configured query for the chunk and used for nothing else (never logged); the text carries the dates only.
 * Sent before the chunk commits: a chunk that fails afterwards is sent again by its restart (at least once — a user
 * is never disabled without a warning sent).
 */
public final class MailNotice {

    public static final String STORE = "smtp";

    private final JavaMailSender sender;
    private final SelectionSection.Mail mail;
    private final Function<List<String>, Map<String, List<String>>> addresses;

    /** @param addresses (account id → addresses) for a chunk's ids: the configured {@code email-sql}, read-only */
    public MailNotice(JavaMailSender sender, SelectionSection.Mail mail,
                      Function<List<String>, Map<String, List<String>>> addresses) {
        this.sender = sender;
        this.mail = mail;
        this.addresses = addresses;
    }

    /** Sends the warning to each account that has an address; returns how many mails went out. */
    public int send(List<String> accountIds, LocalDate disableOn, LocalDate purgeOn) {
        List<SimpleMailMessage> messages = new ArrayList<>();
        addresses.apply(accountIds).forEach((id, to) -> to.forEach(address -> {
            SimpleMailMessage message = new SimpleMailMessage();
            message.setFrom(mail.from());
            message.setTo(address);
            message.setSubject(fill(mail.subject(), disableOn, purgeOn));
            message.setText(fill(mail.text(), disableOn, purgeOn));
            messages.add(message);
        }));
        if (messages.isEmpty()) {
            return 0;
        }
        try {
            sender.send(messages.toArray(SimpleMailMessage[]::new));
        } catch (MailException e) {
            // the message of a mail exception may quote addresses: only its class goes out
            throw new StoreException(STORE, "sending the lifecycle's warning mails failed: "
                    + e.getClass().getSimpleName(), null, e.getClass().getSimpleName());
        }
        return messages.size();
    }

    private static String fill(String template, LocalDate disableOn, LocalDate purgeOn) {
        return template.replace("{disable_on}", disableOn.toString()).replace("{purge_on}", purgeOn.toString());
    }
}
