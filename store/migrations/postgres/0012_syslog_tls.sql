-- Syslog over TLS (RFC 5425): a receiver of kind syslog_tls may name the
-- CA that signed its certificate (PEM certificates); empty means the
-- public roots.
ALTER TABLE export_receivers ADD COLUMN ca_pem TEXT NOT NULL DEFAULT '';
