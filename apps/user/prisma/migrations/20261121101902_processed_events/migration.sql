-- CreateTable
CREATE TABLE "processed_events" (
    "event_id" TEXT NOT NULL,
    "pattern" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("event_id")
);
