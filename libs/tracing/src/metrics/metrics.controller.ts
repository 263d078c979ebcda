import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { serveMetrics } from './prometheus';

/**
 * `GET /metrics` in Prometheus text format, on the app's HTTP port. Not traced, not logged, not counted, and not
 * rate limited where the app has a rate limit (the gateway), so scrapes never see a 429.
 */
@ApiExcludeController()
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  @Get()
  scrape(@Req() request: Request, @Res() response: Response): void {
    serveMetrics(request, response);
  }
}
