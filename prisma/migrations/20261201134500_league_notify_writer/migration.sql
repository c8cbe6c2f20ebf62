-- The NOTIFY of a league change names the job whose transaction made it ("by"), so the
-- listener never queues a run of that same job for its own write (a live-scores-update writing
-- a fixture kick-off used to queue a second live-scores-update in the same minute). A job sets
-- it for its transaction with set_config('kickoff.writer', '<job>', true); other writers
-- (seeds, an operator's SQL) leave it unset and the payload has no "by".
CREATE OR REPLACE FUNCTION kickoff_notify_league_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  watched text[];
  field text;
  old_row jsonb;
  new_row jsonb := to_jsonb(NEW);
  old_value jsonb;
  new_value jsonb;
  changes jsonb := '{}'::jsonb;
  event_id integer;
  writer text := NULLIF(current_setting('kickoff.writer', true), '');
  message jsonb;
BEGIN
  IF TG_TABLE_NAME = 'Event' THEN
    watched := ARRAY['isCurrent', 'isLive', 'finished', 'dataChecked', 'deadlineTime'];
    event_id := NEW.id;
  ELSE
    watched := ARRAY['started', 'finished', 'finishedProvisional'];
    event_id := NEW."eventId";
  END IF;
  IF TG_OP = 'UPDATE' THEN
    old_row := to_jsonb(OLD);
  END IF;
  FOREACH field IN ARRAY watched LOOP
    old_value := old_row -> field;
    new_value := new_row -> field;
    IF TG_OP = 'INSERT' OR old_value IS DISTINCT FROM new_value THEN
      IF field = 'deadlineTime' THEN
        old_value := CASE WHEN old_value IS NULL OR old_value = 'null'::jsonb THEN old_value ELSE to_jsonb((old_value #>> '{}') || 'Z') END;
        new_value := CASE WHEN new_value IS NULL OR new_value = 'null'::jsonb THEN new_value ELSE to_jsonb((new_value #>> '{}') || 'Z') END;
      END IF;
      changes := changes || jsonb_build_object(field, jsonb_build_object('old', old_value, 'new', new_value));
    END IF;
  END LOOP;
  IF changes <> '{}'::jsonb THEN
    message := jsonb_build_object('table', TG_TABLE_NAME, 'id', NEW.id, 'eventId', event_id, 'changes', changes);
    IF writer IS NOT NULL THEN
      message := message || jsonb_build_object('by', writer);
    END IF;
    PERFORM pg_notify('kickoff_league', message::text);
  END IF;
  RETURN NULL;
END $$;
