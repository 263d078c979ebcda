import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { serveMetrics } from './prometheus';

/** `GET /metrics` in Prometheus text format, on the app's HTTP port. Not traced, not logged, not counted. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  @Get()
  scrape(@Req() request: Request, @Res() response: Response): void {
    serveMetrics(request, response);
  }
}
