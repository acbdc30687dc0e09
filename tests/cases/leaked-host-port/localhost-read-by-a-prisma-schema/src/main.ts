import { PrismaClient } from "@prisma/client";
new PrismaClient();
