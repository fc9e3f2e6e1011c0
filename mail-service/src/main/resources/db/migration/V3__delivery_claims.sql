-- Who holds a SENDING row: a token per claim. Every state change of a claimed row must name
-- it, so a sender whose lease ran out (and whose rows another sender took) cannot mark the
-- other sender's claim SENT, FAILED or QUEUED.
ALTER TABLE deliveries ADD COLUMN claim uuid;
