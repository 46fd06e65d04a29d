-- A payment reference pays once, but a reversed entry gives its reference back: a
-- repayment booked on the wrong award and reversed can be booked again, on the right one,
-- with the M-Pesa receipt it really has. The rows stay (append-only); uniqueness now holds
-- among references whose entry has not been reversed.
ALTER TABLE payment_references DROP CONSTRAINT payment_references_pkey;
ALTER TABLE payment_references ADD PRIMARY KEY (channel, reference, entry_seq);

CREATE FUNCTION riziki_reference_unused() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM payment_references p
               WHERE p.channel = NEW.channel AND p.reference = NEW.reference
                 AND p.entry_seq <> NEW.entry_seq
                 AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses = p.entry_seq)) THEN
        RAISE EXCEPTION 'riziki:duplicate_reference % reference % is in use',
            NEW.channel, NEW.reference;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER payment_references_unused BEFORE INSERT ON payment_references
    FOR EACH ROW EXECUTE FUNCTION riziki_reference_unused();
