import {
  BadGatewayException,
  BadRequestException,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
} from '@nestjs/common';
import type { ZenotiAuth } from '@zenoti-auth/core';
import { InjectZenotiAuth } from '@zenoti-auth/nestjs';
import { ZenotiHttpService } from '@zenoti-auth/nestjs/http';
import { firstValueFrom } from 'rxjs';
import { type TokenStatus, TokenStatusService } from './token-status.service.ts';

interface ZenotiCenter {
  id: string;
  code: string;
  name: string;
  address_info?: { city?: string | null };
}

interface ZenotiGuest {
  id: string;
  code: string;
  center_id: string;
  personal_info: { first_name: string; last_name: string; email: string | null };
  tags: string[];
}

/** `GET /centers`. */
export interface CenterList {
  total: number;
  centers: Array<{ id: string; code: string; name: string; city: string | null }>;
}

/** `GET /guests/:id`: a few fields of Zenoti's guest object. */
export interface GuestProfile {
  id: string;
  code: string;
  centerId: string;
  name: string;
  email: string | null;
  tags: string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Everything here reaches Zenoti through zenoti-auth; no response carries a credential. */
@Controller()
export class ZenotiController {
  // Explicit tokens everywhere: `pnpm start` runs under tsx, which emits no decorator metadata.
  constructor(
    @Inject(ZenotiHttpService) private readonly http: ZenotiHttpService,
    @InjectZenotiAuth() private readonly zenoti: ZenotiAuth,
    @Inject(TokenStatusService) private readonly tokens: TokenStatusService,
  ) {}

  /** The organisation's centres, through `ZenotiHttpService` (axios + the zenoti-auth interceptor). */
  @Get('centers')
  async centers(): Promise<CenterList> {
    const { data } = await firstValueFrom(
      this.http.get<{ centers: ZenotiCenter[]; page_info?: { total?: number } }>('/v1/centers', {
        params: { size: 100 },
      }),
    );
    const centers = data.centers.map((c) => ({
      id: c.id,
      code: c.code,
      name: c.name,
      city: c.address_info?.city ?? null,
    }));
    return { total: data.page_info?.total ?? centers.length, centers };
  }

  /** A guest's profile, through `ZenotiAuth.fetch()`. */
  @Get('guests/:id')
  async guest(@Param('id') id: string): Promise<GuestProfile> {
    if (!GUID.test(id)) throw new BadRequestException('A guest id is a GUID.');
    const res = await this.zenoti.fetch(`/v1/guests/${encodeURIComponent(id)}`);
    if (res.status === 404) throw new NotFoundException('No such guest.');
    if (!res.ok) throw new BadGatewayException(`Zenoti answered ${res.status}.`);
    const guest = (await res.json()) as ZenotiGuest;
    return {
      id: guest.id,
      code: guest.code,
      centerId: guest.center_id,
      name: `${guest.personal_info.first_name} ${guest.personal_info.last_name}`,
      email: guest.personal_info.email,
      tags: guest.tags,
    };
  }

  /** Mode, token expiry (from core's `token` events) and a fingerprint — never the token. */
  @Get('token-status')
  tokenStatus(): Promise<TokenStatus> {
    return this.tokens.status();
  }
}
