-- Issue 6, messages (MSG-1): who uploaded an MMS image (they may read it back before sending it),
-- why the carrier refused a message, and the index that finds the messages carrying an image.
ALTER TABLE attachments ADD COLUMN user_id INTEGER REFERENCES users (id);
ALTER TABLE messages ADD COLUMN failure_reason TEXT;
CREATE INDEX messages_attachment ON messages (attachment_id);
